using BenchmarkDotNet.Attributes;
using Falconet.Dns;

namespace Falconet.Benchmarks;

/// <summary>
/// The DNS answer path: parsing one answer, and feeding a store bounded at <see cref="StoreBound"/> with
/// <see cref="AnswersPerRun"/> answers of unique names, so every answer past the bound evicts one (the steady state of a
/// busy host). Figures are per answer. Needs no capture.
/// </summary>
[MemoryDiagnoser]
public class DnsBenchmarks
{
    public const int AnswersPerRun = 1_000_000;
    public const int StoreBound = 100_000;

    private readonly DnsResponse _response = new();
    private readonly byte[] _answer = UniqueAnswerFeed.CnameAnswer();
    private UniqueAnswerFeed _feed = new();
    private DnsObservationStore _store = new(new DnsStoreOptions { MaxEntries = StoreBound });

    [IterationSetup(Target = nameof(FeedUniqueAnswers))]
    public void NewStore()
    {
        _feed = new UniqueAnswerFeed();
        _store = new DnsObservationStore(new DnsStoreOptions { MaxEntries = StoreBound });
    }

    /// <summary>One CNAME + AAAA answer, parsed into a reused <see cref="DnsResponse"/>.</summary>
    [Benchmark]
    public int ParseAnswer() => _response.Parse(_answer) == DnsParseStatus.Ok ? _response.AddressCount : -1;

    /// <summary>Returns the store's entry count, which must equal the bound.</summary>
    [Benchmark(OperationsPerInvoke = AnswersPerRun)]
    [InvocationCount(1)]
    public int FeedUniqueAnswers()
    {
        DnsObservationStore store = _store;
        UniqueAnswerFeed feed = _feed;
        for (int i = 0; i < AnswersPerRun; i++)
        {
            store.ObserveResponse(DnsObservationStore.HostScope, feed.Next(), i);
        }
        return store.Entries;
    }
}
