using System.Diagnostics;
using System.Globalization;
using System.Text;
using Falconet.Dns;
using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;
using Falconet.State;

namespace Falconet.Benchmarks;

/// <summary>
/// The in-process scaling curves of issue 10 (<c>scaling</c> command): the cost of one operation as a table grows, at
/// each size of the curve, so a cost that grows with the size (worse than a hash lookup) shows as a rising column.
/// Every figure is the minimum and the median of <see cref="Repetitions"/> timed passes (the machine is shared: the
/// minimum is the closest to the uncontended cost), plus the managed bytes the structure holds per entry.
/// </summary>
public static class ScalingProfile
{
    public const int Repetitions = 5;

    /// <summary>Prints one line per dimension and size; returns the rows for tests.</summary>
    public static IReadOnlyList<ScalingRow> Run(TextWriter output, bool small = false)
    {
        var rows = new List<ScalingRow>();
        int[] threadSizes = small ? [1_000, 10_000] : [10_000, 1_000_000];
        int[] listSizes = small ? [10, 1_000] : [10, 1_000, 100_000];
        int[] dnsSizes = small ? [1_000, 10_000] : [1_000, 1_000_000];
        output.WriteLine($"{"dimension",-34} {"size",10} {"min ns/op",10} {"median",10} {"B/entry",9}");
        foreach (int n in threadSizes)
        {
            rows.AddRange(Threads(n));
        }
        IReadOnlyList<PreparedContext> prepared = PreparedContexts.FromSharedCaptures();
        foreach (int n in listSizes)
        {
            rows.AddRange(InLists(n, prepared));
        }
        foreach (int n in dnsSizes)
        {
            rows.AddRange(Dns(n));
        }
        foreach (ScalingRow r in rows)
        {
            output.WriteLine($"{r.Dimension,-34} {r.Size,10} {r.MinNs,10:F1} {r.MedianNs,10:F1} {(r.BytesPerEntry is { } b ? b.ToString("F0", CultureInfo.InvariantCulture) : "-"),9}");
        }
        return rows;
    }

    /// <summary>A thread table of <paramref name="n"/> threads (4 per process): store cost, lookup cost, memory.</summary>
    private static IEnumerable<ScalingRow> Threads(int n)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        ThreadTable table = NewTable(n);
        long held = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(table);

        double[] store = Time(n, () => NewTable(n));
        var random = new Random(1);
        long[] tids = new long[1 << 16];
        for (int i = 0; i < tids.Length; i++)
        {
            tids[i] = 1000 + random.Next(n);
        }
        double[] find = Time(tids.Length * 16, () =>
        {
            long found = 0;
            for (int k = 0; k < 16; k++)
            {
                foreach (long tid in tids)
                {
                    found += table.Find(tid) is null ? 0 : 1;
                }
            }
            if (found != tids.Length * 16L)
            {
                throw new InvalidOperationException("thread table lost threads");
            }
        });
        // A process's thread count walks its list: four threads here, as on a host of small processes.
        double[] count = Time(tids.Length, () =>
        {
            long threads = 0;
            foreach (long tid in tids)
            {
                threads += table.ThreadCount(1000 + ((tid - 1000) & ~3L));
            }
            GC.KeepAlive(threads);
        });
        yield return Row("threads: store (fill the table)", n, store, (double)held / n);
        yield return Row("threads: find a random tid", n, find, null);
        yield return Row("threads: thread count of a pid", n, count, null);
    }

    private static ThreadTable NewTable(int n)
    {
        var table = new ThreadTable { Capacity = Math.Max(n, ThreadTable.DefaultCapacity) };
        for (int i = 0; i < n; i++)
        {
            long tid = 1000 + i;
            table.Store(new ThreadInfo(tid) { Pid = 1000 + (i & ~3) });
        }
        if (table.Count != n)
        {
            throw new InvalidOperationException($"thread table holds {table.Count} threads, not {n}");
        }
        return table;
    }

    /// <summary>
    /// <c>proc.name in (list)</c> and <c>fd.sip in (list)</c> with <paramref name="n"/> items, none matching, on the
    /// shared captures' open and connect events: the miss is the case that must not scan the list.
    /// </summary>
    private static IEnumerable<ScalingRow> InLists(int n, IReadOnlyList<PreparedContext> prepared)
    {
        var names = new StringBuilder();
        var addresses = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            names.Append(i == 0 ? "" : ", ").Append("scaling-proc-").Append(i.ToString(CultureInfo.InvariantCulture));
            // 198.51.100.0/24 and onwards in the documentation/benchmark ranges; no capture connects there.
            addresses.Append(i == 0 ? "" : ", ").Append('"').Append("198.").Append(18 + (i >> 16)).Append('.')
                .Append((i >> 8) & 0xFF).Append('.').Append(i & 0xFF).Append('"');
        }
        string yaml = $"""
            - list: scaling_names
              items: [{names}]
            - list: scaling_addresses
              items: [{addresses}]
            - rule: scaling names
              desc: x
              condition: evt.type in (open, openat) and proc.name in (scaling_names)
              output: x
              priority: NOTICE
            - rule: scaling addresses
              desc: x
              condition: evt.type = connect and evt.dir = < and fd.sip in (scaling_addresses)
              output: x
              priority: NOTICE
            """;
        string path = Path.Combine(Path.GetTempPath(), $"falconet-scaling-{Environment.ProcessId}-{n}.yaml");
        File.WriteAllText(path, yaml);
        try
        {
            var watch = Stopwatch.StartNew();
            RuleSet rules = BenchmarkInputs.LoadRules(path);
            double loadNs = watch.Elapsed.TotalNanoseconds;
            foreach ((string rule, string label) in new[] { ("scaling names", "in list: proc.name, miss"), ("scaling addresses", "in list: fd.sip, miss") })
            {
                CompiledRule compiled = rules.FindRule(rule) ?? throw new BenchmarkInputException($"rule '{rule}' not loaded");
                CompiledCondition condition = new ConditionCompiler().Compile(compiled.Condition);
                var types = compiled.EventTypes.ToHashSet();
                EventContext[] contexts = [.. prepared.Where(p => types.Contains(p.Context.Event.Type)).Select(p => p.Context)];
                if (contexts.Length == 0)
                {
                    throw new BenchmarkInputException($"no prepared event for rule '{rule}'");
                }
                const int Evaluations = 1 << 16;
                double[] times = Time(Evaluations, () =>
                {
                    int matched = 0;
                    for (int i = 0; i < Evaluations; i++)
                    {
                        matched += condition.Evaluate(contexts[i % contexts.Length]) ? 1 : 0;
                    }
                    if (matched != 0)
                    {
                        throw new InvalidOperationException($"rule '{rule}' matched a prepared event");
                    }
                });
                yield return Row(label, n, times, null);
            }
            yield return new ScalingRow("in list: load + compile (ns/item)", n, loadNs / (2 * n), loadNs / (2 * n), null);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>An observed-DNS store bounded at <paramref name="n"/>, filled with <paramref name="n"/> unique answers.</summary>
    private static IEnumerable<ScalingRow> Dns(int n)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        DnsObservationStore store = Fill(n);
        long held = GC.GetTotalMemory(forceFullCollection: true) - before;
        double[] fill = Time(n, () => Fill(n));
        var random = new Random(2);
        var addresses = new DnsAddress[1 << 16];
        for (int i = 0; i < addresses.Length; i++)
        {
            // UniqueAnswerFeed's k-th answer (from 0) carries 10.0.0.0 | (k + 1).
            addresses[i] = DnsAddress.FromIPv4(0x0A00_0000u | (uint)(random.Next(n) + 1));
        }
        double[] lookup = Time(addresses.Length, () =>
        {
            int found = 0;
            foreach (DnsAddress a in addresses)
            {
                found += store.FirstName(DnsObservationStore.HostScope, a, 1) is null ? 0 : 1;
            }
            if (found != addresses.Length)
            {
                throw new InvalidOperationException($"observed DNS lost names: {found} of {addresses.Length} found");
            }
        });
        yield return Row("observed DNS: answer (fill)", n, fill, (double)held / n);
        yield return Row("observed DNS: name of an address", n, lookup, null);
    }

    private static DnsObservationStore Fill(int n)
    {
        var store = new DnsObservationStore(new DnsStoreOptions { MaxEntries = n });
        var feed = new UniqueAnswerFeed();
        for (int i = 0; i < n; i++)
        {
            store.ObserveResponse(DnsObservationStore.HostScope, feed.Next(), 0);
        }
        if (store.Entries != n)
        {
            throw new InvalidOperationException($"observed DNS holds {store.Entries} entries, not {n}");
        }
        return store;
    }

    /// <summary>Three untimed passes (JIT tiering, caches), then <see cref="Repetitions"/> timed ones; ns per operation, sorted.</summary>
    private static double[] Time(int operations, Action pass)
    {
        for (int w = 0; w < 3; w++)
        {
            pass();
        }
        var ns = new double[Repetitions];
        for (int r = 0; r < Repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            pass();
            ns[r] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / operations;
        }
        Array.Sort(ns);
        return ns;
    }

    private static ScalingRow Row(string dimension, int size, double[] sorted, double? bytesPerEntry) =>
        new(dimension, size, sorted[0], sorted[sorted.Length / 2], bytesPerEntry);
}

