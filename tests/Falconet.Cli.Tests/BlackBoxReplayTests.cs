using System.Text.Json.Nodes;
using Falconet.TestKit;

namespace Falconet.Cli.Tests;

/// <summary>
/// A few replays through the built command, as a user runs it; the full matrix of captures and rules files runs
/// in-process in Falconet.Conformance.Tests.
/// </summary>
public sealed class BlackBoxReplayTests
{
    public static TheoryData<string, string> Cases() => new()
    {
        { "seed_rule", "curl_google" },
        { "seed_rule", "test_ipv6_client" },
        { "field_battery", "cat_write" },
        { "official_macros", "connect_localhost" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReplayPrintsFalcosAlerts(string folder, string capture)
    {
        SharedData.SkipIfAbsent();

        ProcessResult run = FalconetProcess.Run("-r", SharedData.Rules(folder + ".yaml"), "-e", SharedData.Capture(capture),
            "-o", "json_output=true", "-o", "rule_matching=all");

        Assert.True(run.ExitCode == 0, run.ToString());
        string expected = File.ReadAllText(SharedData.Expected(folder, capture + ".jsonl"));
        List<AlertDifference> differences = AlertMultiset.Compare(expected, run.StandardOutput);
        Assert.True(differences.Count == 0, AlertMultiset.Describe(differences));
        // stdout carries only alerts; the summary goes to stderr.
        Assert.Contains($"Events detected: {AlertMultiset.Canonical(expected).Count}", run.StandardError);
    }

    [Fact]
    public void ValidateFalcoRulesAsJson()
    {
        SharedData.SkipIfAbsent();

        // As Falco was run: from the rules folder, naming the file relative to it (the result repeats the name as given).
        ProcessResult run = FalconetProcess.RunIn(SharedData.Rules(""), "-V", "falco_rules.yaml", "-o", "json_output=true");

        Assert.True(run.ExitCode == 0, run.ToString());
        JsonNode expected = JsonNode.Parse(File.ReadAllText(SharedData.Expected("describe", "falco_rules.validate.json")))!;
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(run.StandardOutput)), run.ToString());
    }

    [Fact]
    public void ValidateFalcoRulesAsText()
    {
        SharedData.SkipIfAbsent();
        string file = SharedData.Rules("falco_rules.yaml");

        ProcessResult run = FalconetProcess.Run("-V", file);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"{file}: Ok", run.StandardOutput.Trim());
    }
}
