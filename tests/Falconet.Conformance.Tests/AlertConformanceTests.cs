using Falconet.TestKit;

namespace Falconet.Conformance.Tests;

/// <summary>
/// Acceptance of the rules engine end to end: <c>falconet -r RULES -e CAPTURE -o json_output=true -o rule_matching=all</c>
/// prints, for each shared capture, the alerts Falco 0.44.1 printed (a multiset of JSON objects, hostname dropped),
/// for the seed rule, the field battery and the official macros.
/// </summary>
public sealed class AlertConformanceTests
{
    /// <summary>
    /// Differences we know of and cannot fix here, by rules folder, capture, rule and key
    /// (a differing key, "&lt;missing&gt;" or "&lt;unexpected&gt;"), each with its reason. A listed deviation that no longer
    /// shows fails the test, so the list can only shrink.
    /// </summary>
    private static readonly (string Folder, string Capture, string Rule, string Key, string Reason)[] s_knownDeviations =
    [
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string folder in new[] { "seed_rule", "field_battery", "official_macros" })
        {
            foreach (string capture in SharedData.CaptureNames)
            {
                data.Add(folder, capture);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AlertsMatchFalco(string folder, string capture)
    {
        SharedData.SkipIfAbsent();
        RunOutput run = InProcessFalconet.Replay(SharedData.Rules(folder + ".yaml"), SharedData.Capture(capture));
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr:\n{run.Error}");

        string expected = File.ReadAllText(SharedData.Expected(folder, capture + ".jsonl"));
        List<AlertDifference> differences = AlertMultiset.Compare(expected, run.Alerts);
        AssertOnlyKnownDeviations(folder, capture, differences, AlertMultiset.Canonical(expected).Count, AlertMultiset.Canonical(run.Alerts).Count);
    }

    private static void AssertOnlyKnownDeviations(string folder, string capture, List<AlertDifference> differences, int expectedCount, int actualCount)
    {
        var known = s_knownDeviations.Where(d => d.Folder == folder && d.Capture == capture).ToList();
        var unexplained = differences.Where(m => !known.Any(d => d.Rule == m.Rule && d.Key == m.Key)).ToList();
        var stale = known.Where(d => !differences.Any(m => m.Rule == d.Rule && m.Key == d.Key)).ToList();
        if (unexplained.Count == 0 && stale.Count == 0)
        {
            return;
        }
        string report = $"{folder}/{capture}: {expectedCount} expected alerts, {actualCount} printed\n" + AlertMultiset.Describe(unexplained);
        foreach (var d in stale)
        {
            report += $"known deviation no longer shows (remove it from the list): [{d.Rule}] {d.Key}: {d.Reason}\n";
        }
        Assert.Fail(report);
    }
}
