using Falconet.Benchmarks;
using Falconet.Dns;

namespace Falconet.Benchmarks.Tests;

/// <summary>The bound claimed for the DNS store benchmark, as a test on the benchmark's own feed. Nothing here is timed.</summary>
public sealed class DnsBenchmarkTests
{
    [Fact]
    public void One_million_unique_answers_stay_within_the_bound_and_count_evictions()
    {
        var bench = new DnsBenchmarks();
        bench.NewStore();
        Assert.Equal(DnsBenchmarks.StoreBound, bench.FeedUniqueAnswers());
        var store = new DnsObservationStore(new DnsStoreOptions { MaxEntries = 1000 });
        var feed = new UniqueAnswerFeed();
        for (int i = 0; i < 10_000; i++)
        {
            store.ObserveResponse(DnsObservationStore.HostScope, feed.Next(), i);
        }
        Assert.Equal(1000, store.Entries);
        Assert.Equal(9000, store.Evictions);
        Assert.Equal(1000, store.DistinctNames);
    }

    [Fact]
    public void Parse_benchmark_reads_its_answer()
    {
        Assert.Equal(1, new DnsBenchmarks().ParseAnswer());
    }
}
