using System.Net;
using System.Net.Sockets;
using Falconet.Dns;

namespace Falconet.Enforcement.Native;

/// <summary>
/// One generation of the kernel's policy maps, computed from an <see cref="EgressPolicy"/>: the exact-address maps,
/// the LPM networks and the domain-suffix keys, with the value encodings of enforce.bpf.c.
/// </summary>
internal sealed class PolicyTables
{
    /// <summary>Exact-address value bit: allowed, any port.</summary>
    public const byte AddressAllow = 1;
    /// <summary>Exact-address value bit: a resolver (port 53 exempt, answers trusted).</summary>
    public const byte AddressResolver = 2;
    /// <summary>LPM value: an allowed network.</summary>
    public const byte NetAllow = 1;
    /// <summary>LPM value: not outbound, never decided.</summary>
    public const byte NetPass = 2;
    /// <summary>LPM value: outbound inside a not-outbound network.</summary>
    public const byte NetDecide = 3;
    /// <summary>Name value bit: the name itself.</summary>
    public const byte NameExact = 1;
    /// <summary>Name value bit: <c>*.suffix</c>.</summary>
    public const byte NameOne = 2;
    /// <summary>Name value bit: <c>**.suffix</c>.</summary>
    public const byte NameMulti = 4;

    /// <summary>Largest number of entries in each policy map (POLICY_ENTRIES, NAME_ENTRIES of enforce.bpf.c).</summary>
    public const int MaxEntries = 16384;

    private PolicyTables()
    {
    }

    /// <summary>IPv4 exact entries: address bytes (network order) → value.</summary>
    public Dictionary<uint, byte> Exact4 { get; } = [];

    /// <summary>IPv6 exact entries: address → value.</summary>
    public Dictionary<UInt128, byte> Exact6 { get; } = [];

    /// <summary>IPv4 networks: (prefix length, network-order address) → value.</summary>
    public Dictionary<(int Prefix, uint Address), byte> Net4 { get; } = [];

    /// <summary>IPv6 networks: (prefix length, address) → value.</summary>
    public Dictionary<(int Prefix, UInt128 Address), byte> Net6 { get; } = [];

    /// <summary>Domain suffix keys (<see cref="NameKey"/>) → kind bits.</summary>
    public Dictionary<ulong, byte> Names { get; } = [];

    /// <summary>The tables of <paramref name="policy"/>; throws when a map would overflow.</summary>
    public static PolicyTables Build(EgressPolicy policy)
    {
        var tables = new PolicyTables();
        foreach (IPAddress address in policy.AllowedAddresses)
        {
            tables.AddExact(address, AddressAllow);
        }
        foreach (IPAddress address in policy.Resolvers)
        {
            tables.AddExact(address, AddressResolver);
        }
        foreach (IPNetwork network in policy.NotOutboundNetworks)
        {
            tables.SetNet(network, NetPass, overwrite: false);
        }
        foreach (IPNetwork network in policy.AllowedNetworks)
        {
            tables.SetNet(network, NetAllow, overwrite: true);
        }
        foreach (IPAddress address in policy.OutboundExceptions)
        {
            // a hole in a not-outbound network is still allowed when an allowed network covers it
            bool allowed = policy.AllowedNetworks.Any(n => n.Contains(address));
            tables.SetNet(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128),
                allowed ? NetAllow : NetDecide, overwrite: true);
        }
        foreach (DomainPattern pattern in policy.AllowedDomains)
        {
            byte kind = pattern.Kind switch
            {
                DomainPatternKind.Exact => NameExact,
                DomainPatternKind.SingleLabel => NameOne,
                _ => NameMulti,
            };
            ulong key = NameKey.Of(pattern.Name);
            tables.Names[key] = (byte)(tables.Names.GetValueOrDefault(key) | kind);
        }
        foreach ((string name, int count) in new[]
        {
            ("exact IPv4", tables.Exact4.Count), ("exact IPv6", tables.Exact6.Count),
            ("IPv4 network", tables.Net4.Count), ("IPv6 network", tables.Net6.Count), ("domain", tables.Names.Count),
        })
        {
            if (count > MaxEntries)
            {
                throw new EnforcementException($"the egress policy has {count} {name} entries; the kernel maps hold {MaxEntries}");
            }
        }
        return tables;
    }

    /// <summary>The IPv4 address as the kernel holds it (network byte order in memory).</summary>
    public static uint Key4(IPAddress address) => BitConverter.ToUInt32(address.GetAddressBytes());

    /// <summary>The IPv6 address as 16 bytes in memory order.</summary>
    public static UInt128 Key6(IPAddress address)
    {
        byte[] bytes = address.GetAddressBytes();
        return System.Runtime.InteropServices.MemoryMarshal.Read<UInt128>(bytes);
    }

    private void AddExact(IPAddress address, byte bit)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            uint key = Key4(address);
            Exact4[key] = (byte)(Exact4.GetValueOrDefault(key) | bit);
        }
        else
        {
            UInt128 key = Key6(address);
            Exact6[key] = (byte)(Exact6.GetValueOrDefault(key) | bit);
        }
    }

    private void SetNet(IPNetwork network, byte value, bool overwrite)
    {
        if (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
        {
            var key = (network.PrefixLength, Key4(network.BaseAddress));
            if (overwrite || !Net4.ContainsKey(key))
            {
                Net4[key] = value;
            }
        }
        else
        {
            var key = (network.PrefixLength, Key6(network.BaseAddress));
            if (overwrite || !Net6.ContainsKey(key))
            {
                Net6[key] = value;
            }
        }
    }
}
