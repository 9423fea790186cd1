using System.Text.Json.Nodes;
using Falconet.Host;
using Falconet.TestKit;

namespace Falconet.Conformance.Tests;

/// <summary>
/// <c>falconet -V falco_rules.yaml</c> and <c>falconet -L -r falco_rules.yaml</c> with <c>json_output=true</c>,
/// against what Falco 0.44.1 printed for the same file.
/// </summary>
public sealed class DescribeConformanceTests
{
    [Fact]
    public void ValidateFalcoRulesMatchesFalco()
    {
        SharedData.SkipIfAbsent();
        RunOutput run = InProcessFalconet.Run(new RunRequest
        {
            ValidatePaths = [SharedData.Rules("falco_rules.yaml")],
            Overrides = ["json_output=true"],
        });

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}\n{run.Out}\n{run.Error}");
        JsonNode expected = JsonNode.Parse(File.ReadAllText(SharedData.Expected("describe", "falco_rules.validate.json")))!;
        JsonNode actual = JsonNode.Parse(run.Out)!;
        JsonNode result = actual["falco_load_results"]![0]!;
        Assert.Empty(result["errors"]!.AsArray());
        Assert.Empty(result["warnings"]!.AsArray());
        // Falco names the file as it was given; it was run as "falco -V falco_rules.yaml" from the rules folder.
        Assert.Equal(SharedData.Rules("falco_rules.yaml"), result["name"]!.GetValue<string>());
        result["name"] = "falco_rules.yaml";
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\nactual   {actual.ToJsonString()}");
    }

    [Fact]
    public void DescribeFalcoRulesMatchesFalcoForEveryRule()
    {
        SharedData.SkipIfAbsent();
        RunOutput run = InProcessFalconet.Run(new RunRequest
        {
            DescribeAll = true,
            RulesPaths = [SharedData.Rules("falco_rules.yaml")],
            Overrides = ["json_output=true"],
        });
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}\n{run.Error}");

        JsonArray expectedRules = JsonNode.Parse(File.ReadAllText(SharedData.Expected("describe", "falco_rules.describe.json")))!["rules"]!.AsArray();
        JsonArray actualRules = JsonNode.Parse(run.Out)!["rules"]!.AsArray();
        var actualByName = actualRules.ToDictionary(r => r!["info"]!["name"]!.GetValue<string>(), r => r!);
        var problems = new List<string>();
        foreach (JsonNode? expectedRule in expectedRules)
        {
            string name = expectedRule!["info"]!["name"]!.GetValue<string>();
            if (!actualByName.Remove(name, out JsonNode? actualRule))
            {
                problems.Add($"rule '{name}' missing");
                continue;
            }
            JsonNode expectedDetails = expectedRule["details"]!;
            JsonNode actualDetails = actualRule["details"]!;
            Check(name, "condition_compiled", expectedDetails, actualDetails, ordered: true, problems);
            Check(name, "output_fields", expectedDetails, actualDetails, ordered: true, problems);
            // Falco prints these from hash sets; only membership is meaningful.
            Check(name, "events", expectedDetails, actualDetails, ordered: false, problems);
            Check(name, "macros", expectedDetails, actualDetails, ordered: false, problems);
            Check(name, "lists", expectedDetails, actualDetails, ordered: false, problems);
        }
        problems.AddRange(actualByName.Keys.Select(n => $"rule '{n}' printed but Falco has no such rule"));
        Assert.True(expectedRules.Count > 0);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static void Check(string rule, string key, JsonNode expected, JsonNode actual, bool ordered, List<string> problems)
    {
        JsonNode? e = expected[key];
        JsonNode? a = actual[key];
        bool same = ordered || e is not JsonArray || a is not JsonArray
            ? JsonNode.DeepEquals(e, a)
            : e.AsArray().Select(x => x!.ToJsonString()).Order().SequenceEqual(a.AsArray().Select(x => x!.ToJsonString()).Order());
        if (!same)
        {
            problems.Add($"rule '{rule}' {key}:\n    expected {e?.ToJsonString()}\n    actual   {a?.ToJsonString()}");
        }
    }
}
