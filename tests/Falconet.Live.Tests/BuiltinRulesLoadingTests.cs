using Falconet.Host;
using Falconet.Rules.Loading;
using Falconet.TestKit;

namespace Falconet.Live.Tests;

/// <summary>
/// <c>-r '&lt;builtin&gt;' -r local.yaml</c>: the built-in rules, then a local file that appends to them
/// (what the live allow-list test relies on; these run without root).
/// </summary>
public sealed class BuiltinRulesLoadingTests
{
    [Theory]
    [InlineData("<builtin>")]
    [InlineData("<builtin>/falconet_rules.yaml")]
    public void A_local_file_after_the_builtin_rules_appends_to_their_lists(string builtinName)
    {
        using var dir = new TempDirectory();
        string local = dir.File("local.yaml");
        File.WriteAllText(local, """
            - list: allowed_outbound_destination_networks
              items: ['"198.51.100.0/24"']
              override:
                items: append
            """);
        LoadResult result = FalconetCommands.LoadRules([builtinName, local]);
        Assert.True(result.Success, result.ToText());
        Assert.Equal([EmbeddedDefaults.RulesFileName, local], result.Files.Select(f => f.Name));
        CompiledList networks = result.RuleSet.Lists.Single(l => l.Name == "allowed_outbound_destination_networks");
        Assert.Equal(["\"127.0.0.1/8\"", "\"198.51.100.0/24\""], networks.Items);
        Assert.NotNull(result.RuleSet.FindRule("Unexpected outbound connection destination"));
    }

    [Fact]
    public void A_missing_local_file_is_named()
    {
        UserFacingException error = Assert.Throws<UserFacingException>(() => FalconetCommands.LoadRules(["<builtin>", "/nonexistent/local.yaml"]));
        Assert.Equal("rules file or directory not found: /nonexistent/local.yaml", error.Message);
    }
}
