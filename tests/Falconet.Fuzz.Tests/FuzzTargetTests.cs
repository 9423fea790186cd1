using Falconet.Fuzz;
using Falconet.TestKit;

namespace Falconet.Fuzz.Tests;

/// <summary>
/// CI's bounded run of every fuzz target: the seeds, then seeded mutants until an execution count or 25 s, whichever
/// comes first (a budget, not a timing assertion). No input may throw an undocumented exception, break the target's
/// invariants or run longer than 20 s. The long, coverage-guided runs are bench/fuzz.sh's.
/// </summary>
public sealed class FuzzTargetTests
{
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(25);

    public static TheoryData<string, long> Targets() => new()
    {
        { "condition", 60_000 },
        { "rules", 6_000 },
        { "capture", 3_000 },
        { "output", 60_000 },
        { "dns", 200_000 },
        { "config", 40_000 },
        { "record", 6_000 },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public void Target_survives_its_bounded_run(string name, long executions)
    {
        SharedData.SkipIfAbsent();
        FuzzTarget target = FuzzTargets.Get(name);
        Assert.NotEmpty(target.Seeds);
        FuzzReport report = FuzzLoop.Run(target, seed: 20261203, executions, s_budget, TimeSpan.FromSeconds(20));
        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(report.Finding is null, report + "\ninput (base64): " + Convert.ToBase64String(report.FindingInput ?? []));
        // The mutants reach more than one outcome: the target is exercised, not stuck on one error path.
        Assert.True(report.Outcomes.Count >= 3, report + ": outcomes " + string.Join(", ", report.Outcomes.Keys));
        Assert.True(report.Executions > target.Seeds.Count, report.ToString());
    }
}
