using System.Diagnostics;
using Falconet.Benchmarks;
using Falconet.Core.Alerts;
using Falconet.Core.Events;
using Falconet.Engine;
using Falconet.Rules.Loading;
using Falconet.Scap;
using Falconet.State;
using Falconet.TestKit;

namespace Falconet.Benchmarks.Tests;

/// <summary>
/// The replay's whole per-event path (read and decode, state, every rule of falco_rules.yaml and the flagship rule)
/// allocates nothing once warm, in bytes: measured on a generated capture (the replay benchmark's generator, a smaller
/// size) after a warm-up half. The only allocations left are the objects an event adds to the state (a new thread, a
/// new fd and its name) and alerts, each bounded per event below, and a few dozen bytes now and then on other types,
/// bounded on average (docs/performance.md, "Whole-path allocations", names what is left). Nothing here is timed.
/// </summary>
public sealed class WholePathAllocationTests
{
    private const int Events = 300_000;

    /// <summary>Average bytes per event allowed for the types not in the table (measured: 0 to 1).</summary>
    private const double OtherBudget = 2;

    /// <summary>
    /// Event types that create state objects, with the most bytes per event (averaged over the measured half) each may
    /// allocate: the new ThreadInfo and its fd table (clone), the FdInfo (open, socket, accept, pipe...), the fd's new
    /// name (connect, bind), the tuple name of an unconnected UDP send or receive. Every other type stays within
    /// <see cref="OtherBudget"/> bytes per event on average.
    /// </summary>
    private static readonly Dictionary<string, int> s_stateBudgets = new()
    {
        ["clone<"] = 1024,
        ["clone>"] = 16,
        ["close>"] = 16,
        ["execve<"] = 64,
        ["open<"] = 224,
        ["openat<"] = 224,
        ["sendto<"] = 64,
        ["recvfrom<"] = 16,
        ["socket<"] = 192,
        ["connect<"] = 192,
        ["accept<"] = 256,
        ["pipe<"] = 320,
        ["bind<"] = 192,
        ["procexit>"] = 64,
    };

    [Fact]
    public void Read_state_and_official_rules_allocate_nothing_per_event_once_warm()
    {
        SharedData.SkipIfAbsent();
        string generator = Path.Combine(SharedData.Root, "tools", "make-big-capture.py");
        Oracle.Require(File.Exists(generator), $"{generator} is missing");
        string dir = Directory.CreateTempSubdirectory("falconet-alloc-").FullName;
        try
        {
            string capture = Path.Combine(dir, "big.scap");
            Generate(generator, capture);
            RuleSet rules = BenchmarkInputs.LoadRules(SharedData.Rules("falco_rules.yaml"), SharedData.Rules("seed_rule.yaml"));
            RuleEngine engine = RuleEngine.Build(rules, new RuleEngineOptions());
            Measurement m = Replay(capture, engine);

            Assert.Equal(Events, m.Events);
            Assert.True(m.Alerts > 0, "the flagship rule raised no alert: the capture does not exercise alert creation");
            var over = new List<string>();
            foreach ((string name, (long count, long bytes)) in m.ByType.OrderByDescending(kv => kv.Value.Bytes))
            {
                double perEvent = (double)bytes / Math.Max(1, count);
                double budget = s_stateBudgets.TryGetValue(name, out int b) ? b : OtherBudget;
                if (perEvent > budget)
                {
                    over.Add($"{name}: {bytes} B over {count} events ({perEvent:0.0} B/event, budget {budget})");
                }
            }
            Assert.True(over.Count == 0, "warm per-event allocations over budget:\n" + string.Join("\n", over));
            // All measured events together, state objects included: far below one object per event. 16.2 B/event was
            // measured once the thread-table bound (its eviction order) and the new fields were merged; not yet traced.
            long total = m.ByType.Values.Sum(v => v.Bytes);
            Assert.True(total <= 20L * m.Measured, $"{total} B over {m.Measured} warm events ({(double)total / m.Measured:0.0} B/event)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed record Measurement(long Events, long Measured, long Alerts, Dictionary<string, (long Count, long Bytes)> ByType);

    // The first half warms the JIT, the caches and the free lists; the second is measured event by event: the read,
    // the state and the rules. Events that raised an alert are left out (building an alert allocates by design).
    private static Measurement Replay(string capture, RuleEngine engine)
    {
        long alerts = 0;
        Action<Alert> onAlert = _ => alerts++;
        var counts = new long[EventTable.EventMax];
        var bytes = new long[EventTable.EventMax];
        using ScapReader reader = ScapReader.Open(capture);
        var state = new SystemState();
        var evt = new ScapEvent();
        reader.ReadHeader(state);
        long events = 0;
        long measured = 0;
        while (true)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            if (!reader.TryReadEvent(evt))
            {
                break;
            }
            // Attributed to the type as read: the state may convert an old layout in place.
            ushort type = evt.Type;
            long alertsBefore = alerts;
            if (state.Process(evt))
            {
                engine.Evaluate(state.Context, onAlert);
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            events++;
            if (events <= Events / 2 || alerts != alertsBefore || type >= counts.Length)
            {
                continue;
            }
            measured++;
            counts[type]++;
            bytes[type] += allocated;
        }
        var byType = new Dictionary<string, (long Count, long Bytes)>();
        for (int t = 0; t < counts.Length; t++)
        {
            if (counts[t] > 0)
            {
                EventInfo info = EventTable.Get(t);
                byType[info.Name + (info.IsEnter ? ">" : "<")] = (counts[t], bytes[t]);
            }
        }
        return new Measurement(events, measured, alerts, byType);
    }

    private static void Generate(string generator, string capture)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { generator, capture, "--events", Events.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "1", "--quiet" })
        {
            start.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        string stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "make-big-capture.py did not finish within 120 s");
        Assert.True(process.ExitCode == 0, $"make-big-capture.py failed: {stderr}");
    }
}
