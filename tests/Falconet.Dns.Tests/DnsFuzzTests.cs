namespace Falconet.Dns.Tests;

/// <summary>
/// The DNS answer parser's fuzz target, as a seeded mutation fuzzer over the corpus and the real curl answer: every
/// mutant (bit flips, byte sets, truncations, insertions, splices) parses without throwing, within the input, and
/// through the store as a whole (never more bindings than the bound). A coverage-guided run is the robustness issue's.
/// </summary>
public sealed class DnsFuzzTests
{
    private const int Mutants = 30_000;

    private static List<byte[]> Seeds()
    {
        var seeds = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.bin").Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes).ToList();
        Assert.NotEmpty(seeds);
        return seeds;
    }

    private static byte[] Mutate(Random random, byte[] seed, byte[] other)
    {
        var data = new List<byte>(seed);
        int steps = 1 + random.Next(4);
        for (int s = 0; s < steps; s++)
        {
            switch (random.Next(5))
            {
                case 0 when data.Count > 0:
                    data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when data.Count > 0:
                    data[random.Next(data.Count)] = (byte)random.Next(256);
                    break;
                case 2 when data.Count > 0:
                    int cut = random.Next(data.Count);
                    data.RemoveRange(cut, data.Count - cut);
                    break;
                case 3:
                    data.InsertRange(random.Next(data.Count + 1), [0xC0, (byte)random.Next(256)]);
                    break;
                default:
                    int from = random.Next(other.Length);
                    data.AddRange(other.AsSpan(from, random.Next(other.Length - from + 1)).ToArray());
                    break;
            }
        }
        return [.. data];
    }

    [Fact]
    public void Mutants_of_the_corpus_never_throw_and_stay_within_bounds()
    {
        List<byte[]> seeds = Seeds();
        var random = new Random(20261203);
        var response = new DnsResponse();
        var store = new DnsObservationStore(new DnsStoreOptions { MaxEntries = 64 });
        var statuses = new HashSet<DnsParseStatus>();
        for (int i = 0; i < Mutants; i++)
        {
            byte[] mutant = Mutate(random, seeds[random.Next(seeds.Count)], seeds[random.Next(seeds.Count)]);
            DnsParseStatus status = response.Parse(mutant);
            statuses.Add(status);
            Assert.True(Enum.IsDefined(status), $"mutant {i}: status {status}");
            for (int a = 0; a < response.AddressCount; a++)
            {
                Assert.True(response.GetAddress(a).Owner >= 0, $"mutant {i}: address record without an owner name");
            }
            store.ObserveResponse(DnsObservationStore.HostScope, mutant, i);
            Assert.True(store.Entries <= 64, $"mutant {i}: {store.Entries} bindings in a store bounded at 64");
        }
        // The mutations reach the interesting outcomes, not only one error path.
        Assert.Contains(DnsParseStatus.Ok, statuses);
        Assert.Contains(DnsParseStatus.Truncated, statuses);
        Assert.Contains(DnsParseStatus.PointerLoop, statuses);
    }
}
