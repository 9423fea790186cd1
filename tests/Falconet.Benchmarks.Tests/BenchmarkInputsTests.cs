using Falconet.Benchmarks;
using Falconet.TestKit;

namespace Falconet.Benchmarks.Tests;

public sealed class BenchmarkInputsTests
{
    [Fact]
    public void Missing_capture_says_how_to_make_one()
    {
        string? saved = Environment.GetEnvironmentVariable(BenchmarkInputs.CaptureVariable);
        try
        {
            Environment.SetEnvironmentVariable(BenchmarkInputs.CaptureVariable, null);
            var unset = Assert.Throws<BenchmarkInputException>(() => BenchmarkInputs.CapturePath);
            Assert.Contains("FALCONET_BENCH_CAPTURE is not set", unset.Message);
            Assert.Contains("make-big-capture.py", unset.Message);

            string absent = Path.Combine(Path.GetTempPath(), "falconet-no-such-capture-" + Guid.NewGuid().ToString("N") + ".scap");
            Environment.SetEnvironmentVariable(BenchmarkInputs.CaptureVariable, absent);
            var missing = Assert.Throws<BenchmarkInputException>(() => BenchmarkInputs.CapturePath);
            Assert.Contains(absent, missing.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(BenchmarkInputs.CaptureVariable, saved);
        }
    }

    [Fact]
    public void Flagship_rules_come_from_the_seed_rule_when_shared_data_is_present()
    {
        SharedData.SkipIfAbsent();
        Assert.Equal(Path.GetFullPath(SharedData.Rules("seed_rule.yaml")), Path.GetFullPath(BenchmarkInputs.FlagshipRulesPath));
        Assert.NotNull(BenchmarkInputs.LoadRules(BenchmarkInputs.FlagshipRulesPath).FindRule(BenchmarkInputs.FlagshipRuleName));
    }
}
