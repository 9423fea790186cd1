using System.Globalization;
using System.Net;
using Falconet.Dns;

namespace Falconet.Host.Configuration;

/// <summary>
/// The <c>dns</c> section: where <c>fd.*ip.name</c> gets its names. <c>mode</c>: <c>observed</c> (the DNS answers the
/// workload received), <c>resolve</c> (Falco's way: the names the rules list, looked up by a background resolver) or
/// <c>both</c> (the default). <c>compat: falco</c> means resolve only and no wildcards.
/// </summary>
public sealed class DnsOptions
{
    /// <summary>Reads the section from <paramref name="tree"/>; a bad value is a <see cref="ConfigException"/> naming the key.</summary>
    public DnsOptions(ConfigTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        string compat = tree.GetString("compat", "none")!;
        CompatFalco = compat switch
        {
            "falco" => true,
            "none" or "" => false,
            _ => throw new ConfigException($"configuration key compat: '{compat}' is not one of falco, none"),
        };
        string mode = tree.GetString("dns.mode", CompatFalco ? "resolve" : "both")!;
        Mode = mode switch
        {
            "observed" => DnsMode.Observed,
            "resolve" => DnsMode.Resolve,
            "both" => DnsMode.Both,
            _ => throw new ConfigException($"configuration key dns.mode: '{mode}' is not one of observed, resolve, both"),
        };
        if (CompatFalco && Mode != DnsMode.Resolve)
        {
            throw new ConfigException("configuration key dns.mode: compat falco resolves names as Falco does; only dns.mode=resolve applies");
        }
        Servers = tree.GetStringList("dns.servers")?.Select(ParseServer).ToList();
        StartupTimeout = TimeSpan.FromMilliseconds(tree.GetInt64("dns.startup_timeout_ms", 1000));
        long maxEntries = tree.GetInt64("dns.max_entries", 100_000);
        if (maxEntries < 1 || maxEntries > 100_000_000)
        {
            throw new ConfigException($"configuration key dns.max_entries: {maxEntries} is outside 1..100000000");
        }
        MaxEntries = (int)maxEntries;
    }

    /// <summary>Falco's behaviour only: resolver, no wildcards.</summary>
    public bool CompatFalco { get; }

    /// <summary>Which names conditions see.</summary>
    public DnsMode Mode { get; }

    /// <summary>The resolver's servers; null means those of /etc/resolv.conf.</summary>
    public IReadOnlyList<IPEndPoint>? Servers { get; }

    /// <summary>How long start-up waits for the resolver's first answers before events are evaluated anyway.</summary>
    public TimeSpan StartupTimeout { get; }

    /// <summary>The bound of the name store (address-name bindings), beyond which the least recently used go.</summary>
    public int MaxEntries { get; }

    /// <summary>Whether the background resolver runs: resolve or both.</summary>
    public bool UsesResolver => Mode != DnsMode.Observed;

    /// <summary>The store's options.</summary>
    public DnsStoreOptions StoreOptions => new() { MaxEntries = MaxEntries, Mode = Mode };

    private static IPEndPoint ParseServer(string text) =>
        IPEndPoint.TryParse(text, out IPEndPoint? endpoint)
            ? endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, 53) : endpoint
            : throw new ConfigException(string.Create(CultureInfo.InvariantCulture, $"configuration key dns.servers: '{text}' is not an address or address:port"));
}
