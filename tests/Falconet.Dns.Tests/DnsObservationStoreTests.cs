using Falconet.Benchmarks;
using Falconet.Dns;

namespace Falconet.Dns.Tests;

public sealed class DnsObservationStoreTests
{
    private const long Second = 1_000_000_000;
    private const string Host = DnsObservationStore.HostScope;
    private static readonly DnsAddress s_ip20 = DnsAddress.Parse("198.51.100.20");
    private static readonly DnsAddress s_ip21 = DnsAddress.Parse("198.51.100.21");

    [Fact]
    public void Answer_maps_the_address_to_the_name_until_the_ttl_expires()
    {
        var store = new DnsObservationStore();
        Assert.Equal(DnsParseStatus.Ok, store.ObserveResponse(Host, Messages.A("api.allowed.test", "198.51.100.20", ttl: 30), 100 * Second));
        Assert.True(store.HasName(Host, s_ip20, "api.allowed.test", 100 * Second));
        Assert.True(store.HasName(Host, s_ip20, "API.Allowed.Test.", 130 * Second));
        Assert.False(store.HasName(Host, s_ip20, "api.allowed.test", 131 * Second));
        Assert.False(store.HasName(Host, s_ip21, "api.allowed.test", 100 * Second));
        Assert.Equal("api.allowed.test", store.FirstName(Host, s_ip20, 110 * Second));
        Assert.Null(store.FirstName(Host, s_ip20, 131 * Second));
        Assert.Equal(1, store.ResponsesParsed);
        Assert.Equal(1, store.AddressAnswers);
    }

    [Fact]
    public void Address_maps_to_every_name_of_the_cname_chain_with_the_smallest_ttl()
    {
        var store = new DnsObservationStore();
        store.ObserveResponse(Host, Messages.CnameChain("192.0.2.7", ttl: 300), 0);
        var ip = DnsAddress.Parse("192.0.2.7");
        Assert.True(store.HasName(Host, ip, "www.example.com", 10 * Second));
        Assert.True(store.HasName(Host, ip, "edge.example.net", 10 * Second));
        Assert.True(store.HasName(Host, ip, "e1.cdn.example", 10 * Second));
        Assert.Equal("www.example.com", store.FirstName(Host, ip, 10 * Second));
        Assert.True(store.MatchesAny(Host, ip, DomainPatternSet.Parse(["*.example.com"]), 10 * Second));
        // edge.example.net → e1 has TTL 60, so the aliases above it expire with it; the address record itself lives on.
        Assert.False(store.HasName(Host, ip, "www.example.com", 61 * Second));
        Assert.False(store.HasName(Host, ip, "edge.example.net", 61 * Second));
        Assert.True(store.HasName(Host, ip, "e1.cdn.example", 61 * Second));
    }

    [Fact]
    public void Scopes_are_isolated_and_the_host_is_one_scope()
    {
        var store = new DnsObservationStore(new DnsStoreOptions { Mode = DnsMode.Observed });
        store.ObserveResponse("container-a", Messages.A("a.test", "198.51.100.20"), 0);
        Assert.True(store.HasName("container-a", s_ip20, "a.test", Second));
        Assert.False(store.HasName("container-b", s_ip20, "a.test", Second));
        Assert.False(store.HasName(Host, s_ip20, "a.test", Second));
        store.RemoveScope("container-a");
        Assert.False(store.HasName("container-a", s_ip20, "a.test", Second));
        Assert.Equal(0, store.Entries);
        Assert.Equal(0, store.DistinctNames);
    }

    [Fact]
    public void Churn_new_ip_allowed_old_ip_expires_unless_a_connection_holds_it()
    {
        var store = new DnsObservationStore();
        DomainPatternSet allowed = DomainPatternSet.Parse(["*.allowed.test"]);
        store.ObserveResponse(Host, Messages.A("api.allowed.test", "198.51.100.20", ttl: 10), 0);
        store.ConnectionOpened(Host, s_ip20, 5 * Second); // opened within the TTL
        store.ObserveResponse(Host, Messages.A("api.allowed.test", "198.51.100.21", ttl: 10), 20 * Second);
        Assert.True(store.MatchesAny(Host, s_ip21, allowed, 21 * Second));
        Assert.True(store.MatchesAny(Host, s_ip20, allowed, 21 * Second)); // held by the open connection
        store.ConnectionClosed(Host, s_ip20, 5 * Second);
        Assert.False(store.MatchesAny(Host, s_ip20, allowed, 21 * Second));
        Assert.True(store.MatchesAny(Host, s_ip21, allowed, 29 * Second));
    }

    [Fact]
    public void A_connection_opened_after_expiry_keeps_nothing()
    {
        var store = new DnsObservationStore();
        store.ObserveResponse(Host, Messages.A("api.allowed.test", "198.51.100.20", ttl: 10), 0);
        Assert.Equal(0, store.ConnectionOpened(Host, s_ip20, 11 * Second));
        Assert.False(store.HasName(Host, s_ip20, "api.allowed.test", 12 * Second));
    }

    [Fact]
    public void Closing_a_later_connection_does_not_release_an_earlier_ones_pin()
    {
        var store = new DnsObservationStore();
        store.ObserveResponse(Host, Messages.A("api.allowed.test", "198.51.100.20", ttl: 10), 0);
        store.ConnectionOpened(Host, s_ip20, 1 * Second);
        store.ConnectionOpened(Host, s_ip20, 2 * Second);
        store.ConnectionClosed(Host, s_ip20, 2 * Second);
        Assert.True(store.HasName(Host, s_ip20, "api.allowed.test", 60 * Second));
        store.ConnectionClosed(Host, s_ip20, 1 * Second);
        Assert.False(store.HasName(Host, s_ip20, "api.allowed.test", 60 * Second));
    }

    [Fact]
    public void Lru_bound_holds_and_evictions_are_counted()
    {
        var store = new DnsObservationStore(new DnsStoreOptions { MaxEntries = 100 });
        for (int i = 0; i < 250; i++)
        {
            store.ObserveResponse(Host, Messages.A($"n{i}.test", $"10.0.{i / 256}.{i % 256}"), i);
        }
        Assert.Equal(100, store.Entries);
        Assert.Equal(150, store.Evictions);
        Assert.Equal(100, store.DistinctNames);
        Assert.False(store.HasName(Host, DnsAddress.Parse("10.0.0.0"), "n0.test", 300));
        Assert.True(store.HasName(Host, DnsAddress.Parse("10.0.0.249"), "n249.test", 300));
    }

    [Fact]
    public void A_recent_lookup_keeps_an_entry_from_eviction()
    {
        var store = new DnsObservationStore(new DnsStoreOptions { MaxEntries = 3 });
        store.ObserveResponse(Host, Messages.A("a.test", "192.0.2.1"), 0);
        store.ObserveResponse(Host, Messages.A("b.test", "192.0.2.2"), 1);
        store.ObserveResponse(Host, Messages.A("c.test", "192.0.2.3"), 2);
        store.ObserveResponse(Host, Messages.A("a.test", "192.0.2.1"), 3); // refresh: a is the newest again
        store.ObserveResponse(Host, Messages.A("d.test", "192.0.2.4"), 4);
        Assert.True(store.HasName(Host, DnsAddress.Parse("192.0.2.1"), "a.test", 5));
        Assert.False(store.HasName(Host, DnsAddress.Parse("192.0.2.2"), "b.test", 5));
        Assert.Equal(1, store.Evictions);
    }

    [Fact]
    public void One_million_unique_answers_stay_within_the_bound()
    {
        const int bound = 100_000;
        var store = new DnsObservationStore(new DnsStoreOptions { MaxEntries = bound });
        var feed = new UniqueAnswerFeed();
        for (int i = 0; i < 1_000_000; i++)
        {
            store.ObserveResponse(Host, feed.Next(), i);
        }
        Assert.Equal(bound, store.Entries);
        Assert.Equal(bound, store.DistinctNames);
        Assert.Equal(1_000_000 - bound, store.Evictions);
        Assert.Equal(1_000_000, store.ResponsesParsed);
    }

    [Fact]
    public void Malformed_and_truncated_answers_are_counted_and_what_came_before_is_kept()
    {
        var store = new DnsObservationStore();
        byte[] two = Messages.Response("two.test", DnsRecordType.A, 2, (ref DnsMessageWriter w) =>
        {
            w.WriteAddressForQuestion(DnsAddress.Parse("192.0.2.1"), 60);
            w.WriteAddressForQuestion(DnsAddress.Parse("192.0.2.2"), 60);
        });
        Assert.Equal(DnsParseStatus.Truncated, store.ObserveResponse(Host, two.AsSpan(0, two.Length - 1), 0));
        Assert.True(store.HasName(Host, DnsAddress.Parse("192.0.2.1"), "two.test", 1));
        Assert.False(store.HasName(Host, DnsAddress.Parse("192.0.2.2"), "two.test", 1));
        Assert.Equal(DnsParseStatus.PointerLoop, store.ObserveResponse(Host, Messages.SelfPointerLoop(), 0));
        Assert.Equal(1, store.Truncated);
        Assert.Equal(1, store.Malformed);
    }

    [Fact]
    public void Warm_queries_allocate_nothing()
    {
        var store = new DnsObservationStore();
        store.ObserveResponse("c1", Messages.CnameChain("192.0.2.7"), 0);
        var ip = DnsAddress.Parse("192.0.2.7");
        DomainPatternSet set = DomainPatternSet.Parse(["**.example.net", "x.test"]);
        _ = store.HasName("c1", ip, "www.example.com", 1);
        _ = store.MatchesAny("c1", ip, set, 1);
        _ = store.FirstName("c1", ip, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool all = true;
        for (int i = 0; i < 1000; i++)
        {
            all &= store.HasName("c1", ip, "www.example.com", 1);
            all &= store.MatchesAny("c1", ip, set, 1);
            all &= store.FirstName("c1", ip, 1) is not null;
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(all);
    }

    [Fact]
    public void Resolver_results_apply_to_every_scope_unless_the_mode_is_observed()
    {
        foreach (DnsMode mode in Enum.GetValues<DnsMode>())
        {
            var store = new DnsObservationStore(new DnsStoreOptions { Mode = mode });
            store.EnqueueResolverResponse(Messages.A("listed.test", "198.51.100.20"), 0);
            store.ObserveResponse("c1", Messages.A("seen.test", "198.51.100.20"), 0);
            Assert.Equal(mode != DnsMode.Observed, store.HasName("any-container", s_ip20, "listed.test", Second));
            Assert.Equal(mode != DnsMode.Resolve, store.HasName("c1", s_ip20, "seen.test", Second));
        }
    }
}
