using Falconet.Host.Configuration;

namespace Falconet.Host.Tests;

public sealed class ConfigTreeTests
{
    [Fact]
    public void OverridesSetScalarsAtDottedPaths()
    {
        ConfigTree tree = ConfigTree.Parse("json_output: false\nfile_output:\n  enabled: false\n", "test.yaml");
        tree.ApplyOverride("json_output=true");
        tree.ApplyOverride("file_output.filename=/tmp/x.txt");
        Assert.True(tree.GetBool("json_output", false));
        Assert.Equal("/tmp/x.txt", tree.GetString("file_output.filename"));
        Assert.False(tree.GetBool("file_output.enabled", true));
    }

    [Fact]
    public void OverridesAppendToListsAndAcceptJson()
    {
        ConfigTree tree = ConfigTree.Empty();
        tree.ApplyOverride("rules[].disable.rule=*");
        tree.ApplyOverride("rules[]={\"enable\": {\"tag\": \"network\"}}");
        IReadOnlyList<IReadOnlyDictionary<string, object?>> rules = tree.GetMapList("rules");
        Assert.Equal(2, rules.Count);
        Assert.Equal("*", ((Dictionary<string, object?>)rules[0]["disable"]!)["rule"]);
        Assert.Equal("network", ((Dictionary<string, object?>)rules[1]["enable"]!)["tag"]);
    }

    [Fact]
    public void OverrideIndexesReplaceListItems()
    {
        ConfigTree tree = ConfigTree.Parse("rules_files: [a.yaml, b.yaml]", "test.yaml");
        tree.ApplyOverride("rules_files[1]=c.yaml");
        Assert.Equal(["a.yaml", "c.yaml"], tree.GetStringList("rules_files"));
    }

    [Theory]
    [InlineData("novalue")]
    [InlineData("=x")]
    [InlineData("list[abc]=1")]
    public void MalformedOverridesAreConfigErrors(string option)
    {
        ConfigTree tree = ConfigTree.Empty();
        Assert.Throws<ConfigException>(() => tree.ApplyOverride(option));
    }

    [Fact]
    public void InvalidYamlNamesTheFileAndPosition()
    {
        ConfigException e = Assert.Throws<ConfigException>(() => ConfigTree.Parse("a: [1, 2\n", "my.yaml"));
        Assert.StartsWith("my.yaml:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongTypesAreReportedWithTheKey()
    {
        ConfigTree tree = ConfigTree.Parse("json_output: maybe\n", "t.yaml");
        ConfigException e = Assert.Throws<ConfigException>(() => new FalconetOptions(tree));
        Assert.Contains("json_output", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheBuiltInConfigurationLoadsWithFalcoDefaults()
    {
        FalconetOptions options = FalconetCommands.LoadConfiguration(null, ["rule_matching=all"]);
        Assert.False(options.JsonOutput);
        Assert.Equal(RuleMatching.All, options.RuleMatching);
        Assert.Equal(Falconet.Core.Alerts.Priority.Debug, options.MinimumPriority);
        Assert.Empty(options.RulesFiles);
    }

    [Fact]
    public void UnknownRuleMatchingIsAConfigError()
    {
        Assert.Throws<ConfigException>(() => FalconetCommands.LoadConfiguration(null, ["rule_matching=bogus"]));
    }
}
