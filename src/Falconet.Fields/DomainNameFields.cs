using System.Net;
using Falconet.Dns;

namespace Falconet.Fields;

/// <summary>
/// The <c>fd.cip.name</c>, <c>fd.sip.name</c>, <c>fd.lip.name</c> and <c>fd.rip.name</c> fields: the names an address
/// has in the DNS store for the event's workload. Conditions compare them by asking the store whether the address has a
/// matching name (any name on its CNAME chain); outputs print the name the workload asked for.
/// </summary>
public static class DomainNameFields
{
    private static readonly Dictionary<string, ConnectionEnd> s_ends = new(StringComparer.Ordinal)
    {
        ["fd.cip.name"] = ConnectionEnd.Client,
        ["fd.sip.name"] = ConnectionEnd.Server,
        ["fd.lip.name"] = ConnectionEnd.Local,
        ["fd.rip.name"] = ConnectionEnd.Remote,
    };

    /// <summary>The domain-name field called <paramref name="fieldName"/>, null when it is not one of the four.</summary>
    public static DomainNameField? Find(string fieldName) =>
        s_ends.TryGetValue(fieldName, out ConnectionEnd end) ? new DomainNameField(end) : null;

    internal static void Register(FieldRegistry registry)
    {
        foreach ((string name, ConnectionEnd end) in s_ends)
        {
            string which = end.ToString().ToLowerInvariant();
            registry.Add(name, Core.Events.ParamType.Charbuf,
                $"The domain name of the {which} IP, as the workload resolved it (observed DNS answers, or the resolver for listed names); absent when none is known.",
                (EventContext c, ref FieldValue v) =>
                {
                    if (!TryGetAddress(c, end, out DnsAddress address)
                        || c.State.Dns.FirstName(ScopeOf(c), address, (long)c.Event.Timestamp) is not { } name)
                    {
                        return false;
                    }
                    v.String = name;
                    return true;
                }, FieldFlags.NoRhs | FieldFlags.NoTransformer);
        }
    }

    internal static string ScopeOf(EventContext context) => context.Thread?.ContainerId ?? DnsObservationStore.HostScope;

    internal static bool TryGetAddress(EventContext context, ConnectionEnd end, out DnsAddress address)
    {
        address = default;
        if (!FdFields.TryGetEnd(context, end, out IPAddress? ip, out ushort _) || ip is null)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[16];
        return ip.TryWriteBytes(bytes, out int length) && DnsAddress.TryFromBytes(bytes[..length], out address);
    }
}

