using Falconet.Fuzz;
using Falconet.TestKit;

namespace Falconet.Fuzz.Tests;

/// <summary>
/// CI's bounded run of every fuzz target, as the robustness issue asks: the seeds, then seeded mutants for 60 s
/// (a budget, not a timing assertion; FALCONET_FUZZ_SECONDS sets another). No input may throw an undocumented
/// exception, break the target's invariants or run longer than 20 s. The long, coverage-guided runs are bench/fuzz.sh's.
/// </summary>
public sealed class FuzzTargetTests
{
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("FALCONET_FUZZ_SECONDS"), out int seconds) && seconds > 0 ? seconds : 60);

    public static TheoryData<string> Targets() => ["condition", "rules", "capture", "output", "dns", "config", "record"];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Target_survives_its_bounded_run(string name)
    {
        SharedData.SkipIfAbsent();
        FuzzTarget target = FuzzTargets.Get(name);
        Assert.NotEmpty(target.Seeds);
        FuzzReport report = FuzzLoop.Run(target, seed: 20261203, long.MaxValue, s_budget, TimeSpan.FromSeconds(20));
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(report.Finding is null, report + "\ninput (base64): " + Convert.ToBase64String(report.FindingInput ?? []));
        // The mutants reach more than one outcome: the target is exercised, not stuck on one error path.
        Assert.True(report.Outcomes.Count >= 3, report + ": outcomes " + string.Join(", ", report.Outcomes.Keys));
        Assert.True(report.Executions > target.Seeds.Count, report.ToString());
    }
}
