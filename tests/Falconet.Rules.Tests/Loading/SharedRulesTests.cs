using System.Text.Json;
using Falconet.Rules.Loading;
using Falconet.TestKit;

namespace Falconet.Rules.Tests.Loading;

/// <summary>The shared rules files load cleanly, and -L / -V output matches Falco 0.44.1's recordings.</summary>
public sealed class SharedRulesTests
{
    [Theory]
    [InlineData("falco_rules.yaml")]
    [InlineData("official_macros.yaml")]
    [InlineData("seed_rule.yaml")]
    [InlineData("field_battery.yaml")]
    public void SharedRulesFileLoadsWithoutErrors(string file)
    {
        SharedData.SkipIfAbsent();
        LoadResult result = RulesLoader.Load([SharedData.Rules(file)], TestFields.Registry);
        Assert.True(result.Success, result.ToText());
        Assert.NotEmpty(result.RuleSet.Rules);
    }

    [Fact]
    public void ValidateJsonIsIdenticalToFalcos()
    {
        SharedData.SkipIfAbsent();
        string previous = Environment.CurrentDirectory;
        // falco -V was given the bare file name, which is what it prints.
        Environment.CurrentDirectory = Path.GetDirectoryName(SharedData.Rules("falco_rules.yaml"))!;
        try
        {
            LoadResult result = RulesLoader.Load(["falco_rules.yaml"], TestFields.Registry);
            string expected = File.ReadAllText(SharedData.Expected("describe", "falco_rules.validate.json")).Trim();
            Assert.Equal(expected, result.ToJson());
            Assert.Equal("falco_rules.yaml: Ok\n", result.ToText());
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [Fact]
    public void DescribeMatchesFalcoForEveryRuleMacroAndList()
    {
        SharedData.SkipIfAbsent();
        LoadResult result = RulesLoader.Load([SharedData.Rules("falco_rules.yaml")], TestFields.Registry);
        Assert.True(result.Success, result.ToText());
        using JsonDocument actual = JsonDocument.Parse(new DescribeWriter(result.RuleSet).ToJson());
        using JsonDocument expected = JsonDocument.Parse(File.ReadAllText(SharedData.Expected("describe", "falco_rules.describe.json")));

        Assert.Equal(expected.RootElement.GetProperty("required_engine_version").GetString(),
            actual.RootElement.GetProperty("required_engine_version").GetString());
        Assert.Equal(expected.RootElement.GetProperty("required_plugin_versions").GetRawText().Replace(" ", "").Replace("\n", ""),
            actual.RootElement.GetProperty("required_plugin_versions").GetRawText());

        var mismatches = new List<string>();
        Compare(expected, actual, "rules", ["condition_compiled", "events", "macros", "lists", "output_fields", "condition_fields", "condition_operators"],
            ["name", "condition", "output", "priority", "enabled", "tags", "source"], mismatches);
        Compare(expected, actual, "macros", ["condition_compiled", "events", "macros", "lists", "used", "condition_fields", "condition_operators"], ["condition"],
            mismatches);
        Compare(expected, actual, "lists", ["items_compiled", "lists", "used"], ["items"], mismatches);
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
    }

    private static void Compare(JsonDocument expected, JsonDocument actual, string kind, string[] details, string[] infos, List<string> mismatches)
    {
        Dictionary<string, JsonElement> actualByName = actual.RootElement.GetProperty(kind).EnumerateArray()
            .ToDictionary(e => e.GetProperty("info").GetProperty("name").GetString()!);
        int expectedCount = 0;
        foreach (JsonElement item in expected.RootElement.GetProperty(kind).EnumerateArray())
        {
            expectedCount++;
            string name = item.GetProperty("info").GetProperty("name").GetString()!;
            if (!actualByName.TryGetValue(name, out JsonElement mine))
            {
                mismatches.Add($"{kind} '{name}': missing");
                continue;
            }
            foreach (string key in details)
            {
                Check(kind, name, "details." + key, item.GetProperty("details").GetProperty(key), mine.GetProperty("details").GetProperty(key), mismatches);
            }
            foreach (string key in infos)
            {
                Check(kind, name, "info." + key, item.GetProperty("info").GetProperty(key), mine.GetProperty("info").GetProperty(key), mismatches);
            }
        }
        if (expectedCount != actualByName.Count)
        {
            mismatches.Add($"{kind}: expected {expectedCount}, got {actualByName.Count}");
        }
    }

    private static void Check(string kind, string name, string key, JsonElement expected, JsonElement actual, List<string> mismatches)
    {
        string want = Normalize(expected);
        string got = Normalize(actual);
        if (want != got)
        {
            mismatches.Add($"{kind} '{name}' {key}:\n  expected {want}\n  actual   {got}");
        }
    }

    /// <summary>Falco's set-valued arrays come in hash order, so arrays compare as sorted sets unless order matters.</summary>
    private static string Normalize(JsonElement element) => element.ValueKind == JsonValueKind.Array
        ? string.Join("|", element.EnumerateArray().Select(e => e.ToString()).Order(StringComparer.Ordinal))
        : element.ToString();
}
