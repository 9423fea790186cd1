using System.Net;
using Falconet.Dns;
using Falconet.Enforcement;
using Falconet.Enforcement.Native;

namespace Falconet.Enforcement.Tests;

public sealed class PolicyTablesTests
{
    [Fact]
    public void Name_key_is_fnv1a_over_the_reversed_lowercase_suffix()
    {
        // what enforce.bpf.c computes walking "allowed.test" from its last byte
        ulong expected = 0xcbf29ce484222325;
        foreach (char c in "tset.dewolla")
        {
            expected = (expected ^ c) * 0x100000001b3;
        }
        Assert.Equal(expected, NameKey.Of("allowed.test"));
        Assert.Equal(expected, NameKey.Of("ALLOWED.Test"));
        Assert.NotEqual(NameKey.Of("allowed.test"), NameKey.Of("api.allowed.test"));
    }

    [Fact]
    public void Patterns_on_one_suffix_share_a_key_with_their_kinds_or_ed()
    {
        var policy = new EgressPolicy
        {
            AllowedDomains = [DomainPattern.Parse("allowed.test"), DomainPattern.Parse("*.allowed.test"), DomainPattern.Parse("**.allowed.test")],
        };
        PolicyTables tables = PolicyTables.Build(policy);
        Assert.Equal(PolicyTables.NameExact | PolicyTables.NameOne | PolicyTables.NameMulti, Assert.Single(tables.Names).Value);
        Assert.Equal(NameKey.Of("allowed.test"), tables.Names.Keys.Single());
    }

    [Fact]
    public void Addresses_networks_and_holes_get_the_kernel_encodings()
    {
        var policy = new EgressPolicy
        {
            AllowedAddresses = [IPAddress.Parse("198.51.100.10"), IPAddress.Parse("2001:db8::10")],
            Resolvers = [IPAddress.Parse("198.51.100.10"), IPAddress.Parse("198.51.100.53")],
            AllowedNetworks = [IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("169.254.169.0/24")],
            NotOutboundNetworks = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16")],
            OutboundExceptions = [IPAddress.Parse("169.254.169.254"), IPAddress.Parse("169.254.1.1")],
        };
        PolicyTables tables = PolicyTables.Build(policy);

        uint peer = PolicyTables.Key4(IPAddress.Parse("198.51.100.10"));
        Assert.Equal(new byte[] { 198, 51, 100, 10 }, BitConverter.GetBytes(peer)); // network order in memory
        Assert.Equal(PolicyTables.AddressAllow | PolicyTables.AddressResolver, tables.Exact4[peer]);
        Assert.Equal(PolicyTables.AddressResolver, tables.Exact4[PolicyTables.Key4(IPAddress.Parse("198.51.100.53"))]);
        Assert.Equal(PolicyTables.AddressAllow, tables.Exact6[PolicyTables.Key6(IPAddress.Parse("2001:db8::10"))]);
        Assert.Equal(PolicyTables.NetAllow, tables.Net4[(24, PolicyTables.Key4(IPAddress.Parse("203.0.113.0")))]);
        Assert.Equal(PolicyTables.NetPass, tables.Net4[(8, PolicyTables.Key4(IPAddress.Parse("10.0.0.0")))]);
        // a hole covered by an allowed network stays allowed; one that is not is decided
        Assert.Equal(PolicyTables.NetAllow, tables.Net4[(32, PolicyTables.Key4(IPAddress.Parse("169.254.169.254")))]);
        Assert.Equal(PolicyTables.NetDecide, tables.Net4[(32, PolicyTables.Key4(IPAddress.Parse("169.254.1.1")))]);
    }

    [Fact]
    public void A_policy_larger_than_the_maps_is_refused()
    {
        var policy = new EgressPolicy
        {
            AllowedAddresses = [.. Enumerable.Range(0, PolicyTables.MaxEntries + 1).Select(i => new IPAddress(BitConverter.GetBytes(0x0a000000u + (uint)i)))],
        };
        var e = Assert.Throws<EnforcementException>(() => PolicyTables.Build(policy));
        Assert.Contains("16384", e.Message, StringComparison.Ordinal);
    }
}
