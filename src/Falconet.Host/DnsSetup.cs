using Falconet.Dns;
using Falconet.Engine;
using Falconet.Host.Configuration;
using Falconet.State;

namespace Falconet.Host;

/// <summary>
/// The name side of a run: the state's DNS store, and in resolve/both mode the background resolver for the names the
/// enabled rules compare <c>fd.*ip.name</c> with. The resolver runs on its own tasks and hands answers to the store
/// through a queue the event thread drains; nothing on the event path waits for DNS.
/// </summary>
internal sealed class DnsSetup : IDisposable
{
    private readonly DnsResolver? _resolver;

    private DnsSetup(SystemState state, DnsResolver? resolver)
    {
        State = state;
        _resolver = resolver;
    }

    /// <summary>The state, with its store configured.</summary>
    public SystemState State { get; }

    /// <summary>
    /// Builds the state and, when the mode asks for it and rules list names, starts the resolver and waits at most
    /// the configured time for its first answers. Replays resolve only when <c>dns.mode</c> is <c>resolve</c>: a
    /// capture carries its workload's own answers, and today's answers for its names say nothing about its past.
    /// </summary>
    public static DnsSetup Start(FalconetOptions options, RuleEngine engine, bool live, TextWriter log)
    {
        DnsOptions dns = options.Dns;
        var state = new SystemState(dns.StoreOptions);
        state.ThreadTable.Capacity = options.ThreadTableSize;
        bool resolve = live ? dns.UsesResolver : dns.Mode == DnsMode.Resolve;
        string[] names = [.. engine.Rules.SelectMany(r => r.Condition.DomainNames).Distinct(StringComparer.OrdinalIgnoreCase)];
        if (!resolve || names.Length == 0)
        {
            return new DnsSetup(state, null);
        }
        var resolver = new DnsResolver(names, state.Dns, new DnsResolverOptions
        {
            Servers = dns.Servers,
            // Answers are stamped with the wall clock, the live events' clock (a replay's older events see them as valid).
            Log = line => log.WriteLine("falconet: dns: " + line),
        });
        resolver.Start();
        if (!resolver.WaitForFirstAnswers(dns.StartupTimeout))
        {
            log.WriteLine($"falconet: dns: {resolver.NamesTried} of {names.Length} listed names answered or failed within {dns.StartupTimeout.TotalMilliseconds:F0} ms; evaluating events meanwhile");
        }
        return new DnsSetup(state, resolver);
    }

    /// <inheritdoc />
    public void Dispose() => _resolver?.Dispose();
}
