using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Falconet.Benchmarks;
using Falconet.Engine;

// Usage: dotnet run -c Release --project bench/Falconet.Benchmarks -- [--capture BIG.scap] [BenchmarkDotNet options, e.g. --filter '*State*']
//        dotnet run -c Release --project bench/Falconet.Benchmarks -- alloc-profile [flagship|falco_rules|none] --capture BIG.scap
//        dotnet run -c Release --project bench/Falconet.Benchmarks -- time-profile [flagship|falco_rules|none] --capture BIG.scap
//        dotnet run -c Release --project bench/Falconet.Benchmarks -- scaling   (thread table, in lists, observed DNS; no capture)
// --capture is ours: it sets FALCONET_BENCH_CAPTURE and is removed before BenchmarkDotNet sees the arguments.
var benchmarkArgs = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--capture")
    {
        if (i + 1 >= args.Length)
        {
            Console.Error.WriteLine("falconet-bench: --capture needs a path");
            return 2;
        }
        Environment.SetEnvironmentVariable(BenchmarkInputs.CaptureVariable, args[++i]);
    }
    else
    {
        benchmarkArgs.Add(args[i]);
    }
}

if (benchmarkArgs.Count > 0 && benchmarkArgs[0] == "scaling")
{
    try
    {
        _ = ScalingProfile.Run(Console.Out);
        return 0;
    }
    catch (BenchmarkInputException e)
    {
        Console.Error.WriteLine($"falconet-bench: {e.Message}");
        return 2;
    }
}

if (benchmarkArgs.Count > 0 && benchmarkArgs[0] is "alloc-profile" or "time-profile")
{
    return RunProfile(benchmarkArgs.Count > 1 ? benchmarkArgs[1] : "flagship", timed: benchmarkArgs[0] == "time-profile");
}

// The whole-capture benchmarks cannot run without the big capture: say so before BenchmarkDotNet starts rather than
// as an exception inside an iteration setup. A run filtered to the condition benchmarks does not need it.
// The DNS benchmarks make their own answers and need no capture either.
static bool NeedsNoCapture(string a) => a.Contains("Condition", StringComparison.Ordinal) || a.Contains("Dns", StringComparison.Ordinal);
bool conditionsOnly = benchmarkArgs.Any(NeedsNoCapture) && !benchmarkArgs.Any(a => a.Contains('*') && !NeedsNoCapture(a));
bool listing = benchmarkArgs.Any(a => a is "--list" or "--help" or "-h" or "--info");
if (!conditionsOnly && !listing)
{
    try
    {
        _ = BenchmarkInputs.CapturePath;
    }
    catch (BenchmarkInputException e)
    {
        Console.Error.WriteLine($"falconet-bench: {e.Message}");
        Console.Error.WriteLine("falconet-bench: (the condition benchmarks alone need no capture: --filter '*Condition*')");
        return 2;
    }
}

// In process and short: the machine has 2 cores shared with other work, and a full BenchmarkDotNet run (separate
// process per benchmark, default iteration counts) over a 1M-event capture would take tens of minutes. Ten measured
// iterations instead of ShortRun's three, and Min/Median beside Mean: on a shared machine, preemption inflates the mean
// and the minimum is the closest figure to the uncontended cost.
IConfig config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithIterationCount(10).WithToolchain(InProcessEmitToolchain.Instance).WithId("Short10InProcess"))
    .AddColumn(StatisticColumn.Min, StatisticColumn.Median)
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. benchmarkArgs], config);
return 0;

static int RunProfile(string rules, bool timed)
{
    try
    {
        RuleEngine? engine = rules switch
        {
            "none" => null,
            "flagship" => RuleEngine.Build(BenchmarkInputs.LoadRules(BenchmarkInputs.FlagshipRulesPath), new RuleEngineOptions()),
            "falco_rules" => RuleEngine.Build(BenchmarkInputs.LoadRules(BenchmarkInputs.OfficialRulesPath), new RuleEngineOptions()),
            _ => throw new BenchmarkInputException($"alloc-profile: unknown rules '{rules}' (flagship, falco_rules or none)"),
        };
        string capture = BenchmarkInputs.CapturePath;
        if (timed)
        {
            // A first pass JIT-compiles and tiers up the event path, so the measured pass runs optimized code.
            _ = AllocationProfile.Run(capture, engine, BenchmarkInputs.EventsPerRun, timed: true);
        }
        IReadOnlyList<AllocationRow> rows = AllocationProfile.Run(capture, engine, BenchmarkInputs.EventsPerRun, timed);
        long events = rows.Sum(r => r.Events);
        if (timed)
        {
            double nsPerTick = 1e9 / System.Diagnostics.Stopwatch.Frequency;
            Console.WriteLine($"time-profile: first {events} events, rules: {rules} (includes two timestamp reads per stage per event)");
            Console.WriteLine($"{"event",-20} {"events",10} {"state ms",10} {"state ns/ev",12} {"engine ms",10} {"engine ns/ev",13}");
            foreach (AllocationRow r in rows)
            {
                Console.WriteLine($"{r.EventName,-20} {r.Events,10} {r.StateTicks * nsPerTick / 1e6,10:F1} {r.StateTicks * nsPerTick / r.Events,12:F0} {r.EngineTicks * nsPerTick / 1e6,10:F1} {r.EngineTicks * nsPerTick / r.Events,13:F0}");
            }
            long st = rows.Sum(r => r.StateTicks);
            long et = rows.Sum(r => r.EngineTicks);
            Console.WriteLine($"{"total",-20} {events,10} {st * nsPerTick / 1e6,10:F1} {st * nsPerTick / events,12:F0} {et * nsPerTick / 1e6,10:F1} {et * nsPerTick / events,13:F0}");
            return 0;
        }
        Console.WriteLine($"alloc-profile: first {events} events, rules: {rules}");
        Console.WriteLine($"{"event",-20} {"events",10} {"state B",14} {"state B/ev",11} {"engine B",14} {"engine B/ev",12}");
        foreach (AllocationRow r in rows)
        {
            Console.WriteLine($"{r.EventName,-20} {r.Events,10} {r.StateBytes,14} {(double)r.StateBytes / r.Events,11:F1} {r.EngineBytes,14} {(double)r.EngineBytes / r.Events,12:F1}");
        }
        long state = rows.Sum(r => r.StateBytes);
        long engineBytes = rows.Sum(r => r.EngineBytes);
        Console.WriteLine($"{"total",-20} {events,10} {state,14} {(double)state / events,11:F1} {engineBytes,14} {(double)engineBytes / events,12:F1}");
        return 0;
    }
    catch (BenchmarkInputException e)
    {
        Console.Error.WriteLine($"falconet-bench: {e.Message}");
        return 2;
    }
}
