using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Falconet.Benchmarks;

// Usage: dotnet run -c Release --project bench/Falconet.Benchmarks -- [--capture BIG.scap] [BenchmarkDotNet options, e.g. --filter '*State*']
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

// The whole-capture benchmarks cannot run without the big capture: say so before BenchmarkDotNet starts rather than
// as an exception inside an iteration setup. A run filtered to the condition benchmarks does not need it.
bool conditionsOnly = benchmarkArgs.Any(a => a.Contains("Condition", StringComparison.Ordinal))
    && !benchmarkArgs.Any(a => a.Contains('*') && !a.Contains("Condition", StringComparison.Ordinal));
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
// process per benchmark, default iteration counts) over a 1M-event capture would take tens of minutes.
IConfig config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortInProcess"))
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run([.. benchmarkArgs], config);
return 0;
