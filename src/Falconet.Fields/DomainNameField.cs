using Falconet.Dns;

namespace Falconet.Fields;

/// <summary>
/// One of the <c>fd.*ip.name</c> fields, resolved once when a condition is compiled, so evaluation needs no lookup by
/// name and reads the connection's address once.
/// </summary>
public sealed class DomainNameField
{
    private readonly ConnectionEnd _end;

    internal DomainNameField(ConnectionEnd end) => _end = end;

    /// <summary>
    /// False when the fd has no address at this end (every comparison is then false). Otherwise true, with
    /// <paramref name="matched"/> telling whether the address has a valid name matching <paramref name="patterns"/> for the
    /// event's workload. Allocation-free.
    /// </summary>
    public bool TryMatch(EventContext context, DomainPatternSet patterns, out bool matched)
    {
        ArgumentNullException.ThrowIfNull(context);
        matched = false;
        if (!DomainNameFields.TryGetAddress(context, _end, out DnsAddress address))
        {
            return false;
        }
        matched = context.State.Dns.MatchesAny(DomainNameFields.ScopeOf(context), address, patterns, (long)context.Event.Timestamp);
        return true;
    }
}
