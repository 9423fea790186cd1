using System.Text;
using Falconet.Host.Configuration;
using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;
using Falconet.TestKit;

namespace Falconet.Fuzz.Tests;

/// <summary>
/// The hostile-input corpus for conditions, rules files and configuration: each entry has its documented outcome
/// (error code, message, position), and none ends in an unhandled exception, a stack overflow or a hang.
/// </summary>
public sealed class HostileRulesAndConfigTests
{
    private static LoadDiagnostic SingleError(LoadResult result)
    {
        Assert.False(result.Success);
        return Assert.Single(result.Diagnostics, d => d.IsError);
    }

    private static string Repeat(string text, int times) => new StringBuilder(text.Length * times).Insert(0, text, times).ToString();

    private static string Rule(string condition, string output = "x") =>
        $"- rule: r\n  desc: d\n  condition: {condition}\n  output: {output}\n  priority: WARNING\n";

    [Fact]
    public void A_long_not_chain_is_read_without_recursion()
    {
        // `not not x` is x (as in libsinsp): 200 000 of them parse to the check itself, with no nesting at all.
        string condition = new StringBuilder().Insert(0, "not ", 200_000).Append("proc.name = a").ToString();
        Assert.Equal("proc.name = a", ConditionPrinter.Print(ConditionParser.Parse(condition, ConditionParser.FalcoRulesMaxDepth)));
        Assert.True(RulesLoader.LoadText("not.yaml", Rule(condition)).Success);
    }

    [Theory]
    [InlineData("(", ")")]
    [InlineData("tolower(", ")")]
    public void Condition_nested_past_the_depth_limit_is_a_syntax_error_not_a_stack_overflow(string open, string close)
    {
        const int levels = 200_000;
        string condition = open == "("
            ? Repeat(open, levels) + "proc.name = a" + Repeat(close, levels)
            : "proc.name = " + Repeat(open, levels) + "proc.name" + Repeat(close, levels);
        Assert.False(ConditionParser.TryParse(condition, out _, out ConditionSyntaxError? error, ConditionParser.FalcoRulesMaxDepth));
        Assert.Equal($"exceeded max depth limit of {ConditionParser.FalcoRulesMaxDepth}", error!.Message);
        Assert.Equal(1, error.Position.Line);

        // In a rules file: LOAD_ERR_COMPILE_CONDITION, positioned at the condition.
        LoadDiagnostic diagnostic = SingleError(RulesLoader.LoadText("deep.yaml", Rule(condition)));
        Assert.Equal("LOAD_ERR_COMPILE_CONDITION", diagnostic.Code);
        Assert.Contains("exceeded max depth limit", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal((3, 14), diagnostic.Context.FilePosition);
    }

    [Fact]
    public void A_long_flat_and_chain_is_not_nesting()
    {
        string condition = string.Join(" and ", Enumerable.Range(0, 20_000).Select(i => $"proc.pid != {i}"));
        LoadResult result = RulesLoader.LoadText("flat.yaml", Rule(condition));
        Assert.True(result.Success, result.ToText());
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{a: ", "}")]
    [InlineData("[{a: ", "}]")]
    public void YAML_nested_past_the_depth_limit_is_a_YAML_error_not_a_stack_overflow(string open, string close)
    {
        const int levels = 100_000;
        string yaml = "- rule: r\n  tags: " + Repeat(open, levels) + "x" + Repeat(close, levels) + "\n";
        LoadDiagnostic diagnostic = SingleError(RulesLoader.LoadText("deep.yaml", yaml));
        Assert.Equal("LOAD_ERR_YAML_PARSE", diagnostic.Code);
        Assert.Contains($"YAML nested deeper than {YamlLimits.MaxDepth} levels", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(2, diagnostic.Context.FilePosition.Line);

        ConfigException config = Assert.Throws<ConfigException>(() => ConfigTree.Parse("a: " + yaml.Replace("- rule: r\n  tags: ", "", StringComparison.Ordinal), "deep.yaml"));
        Assert.Contains($"YAML nested deeper than {YamlLimits.MaxDepth} levels", config.Message, StringComparison.Ordinal);
        Assert.StartsWith("deep.yaml:1:", config.Message, StringComparison.Ordinal);
    }

    /// <summary>Nine levels of nine aliases each: 9^9 (387 million) nodes once expanded, from 10 lines.</summary>
    private static string AliasBomb(string indent)
    {
        var yaml = new StringBuilder();
        yaml.Append(indent).Append("a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
        for (int level = 1; level <= 9; level++)
        {
            string previous = "*a" + (level - 1);
            yaml.Append(indent).Append($"a{level}: &a{level} [{string.Join(", ", Enumerable.Repeat(previous, 9))}]\n");
        }
        return yaml.ToString();
    }

    [Fact]
    public void YAML_alias_bomb_in_a_rules_file_is_a_YAML_error()
    {
        string yaml = "- rule: r\n  desc: d\n  condition: evt.type = open\n  output: x\n  priority: WARNING\n  tags:\n    nested:\n" + AliasBomb("      ");
        LoadDiagnostic diagnostic = SingleError(RulesLoader.LoadText("bomb.yaml", yaml));
        Assert.Equal("LOAD_ERR_YAML_PARSE", diagnostic.Code);
        Assert.Contains($"YAML expands to more than {YamlLimits.MaxExpandedNodes} nodes", diagnostic.Message, StringComparison.Ordinal);
        // The alias that crossed the bound: on the a6 line (a6 alone is 5.4 million nodes), line 14.
        Assert.Equal(14, diagnostic.Context.FilePosition.Line);
    }

    [Fact]
    public void YAML_alias_bomb_in_the_configuration_is_a_configuration_error()
    {
        ConfigException error = Assert.Throws<ConfigException>(() => ConfigTree.Parse("bomb:\n" + AliasBomb("  "), "falco.yaml"));
        Assert.StartsWith("falco.yaml:8:", error.Message, StringComparison.Ordinal);
        Assert.Contains($"expands to more than {YamlLimits.MaxExpandedNodes} nodes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_within_the_bound_still_load()
    {
        ConfigTree tree = ConfigTree.Parse("base: &b {x: 1}\ncopy: *b\n", "falco.yaml");
        Assert.Equal("1", tree.GetString("copy.x"));
    }

    [Fact]
    public void One_megabyte_string_literals_load_and_match()
    {
        string big = new('a', 1 << 20);
        LoadResult result = RulesLoader.LoadText("big.yaml", Rule($"proc.name = \"{big}\"", $"\"{big} %proc.name\""));
        Assert.True(result.Success, result.ToText()[..Math.Min(500, result.ToText().Length)]);

        // Unterminated: the error names where the literal starts.
        LoadDiagnostic diagnostic = SingleError(RulesLoader.LoadText("big.yaml", Rule($"'proc.name = \"{big}'")));
        Assert.Equal("LOAD_ERR_COMPILE_CONDITION", diagnostic.Code);
        Assert.StartsWith("expected a string value or a field with a valid transformer", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_UTF8_in_a_rules_file_is_a_read_error_with_its_line_and_column()
    {
        using var dir = new TempDirectory();
        string path = dir.File("bad.yaml");
        byte[] good = Encoding.UTF8.GetBytes("- rule: r\n  desc: d\n  condition: proc.name = ");
        File.WriteAllBytes(path, [.. good, 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\n  output: x\n  priority: WARNING\n")]);
        LoadDiagnostic diagnostic = SingleError(RulesLoader.Load([path]));
        Assert.Equal("LOAD_ERR_FILE_READ", diagnostic.Code);
        Assert.Equal($"Could not read rules file {path}: not valid UTF-8 at line 3, column 26 (byte offset {good.Length})", diagnostic.Message);

        // Valid multi-byte text (and a BOM) is fine.
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Rule("proc.name = café"))]);
        Assert.True(RulesLoader.Load([path]).Success);
    }

    [Fact]
    public void Invalid_UTF8_in_the_configuration_is_a_configuration_error_with_its_line_and_column()
    {
        using var dir = new TempDirectory();
        string path = dir.File("falco.yaml");
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes("json_output: true\npriority: "), 0xFF, 0xFE, (byte)'\n']);
        ConfigException error = Assert.Throws<ConfigException>(() => ConfigTree.LoadFile(path));
        Assert.Equal($"configuration file {path} is not valid UTF-8 at line 2, column 11 (byte offset 28)", error.Message);
    }

    [Theory]
    [InlineData("- : macro: \n", "LOAD_ERR_YAML_PARSE")]
    [InlineData("- rule: r\n  rule: s\n", "LOAD_ERR_YAML_PARSE")]
    public void YAML_the_node_loader_rejects_with_an_undocumented_exception_is_a_YAML_error(string yaml, string code)
    {
        // Found by fuzzing: YamlDotNet threw ArgumentException, which escaped the loader.
        Assert.Equal(code, SingleError(RulesLoader.LoadText("f.yaml", yaml)).Code);
    }

    [Theory]
    [InlineData("engine:\n  ? {a: 1}\n  : x\n", "falco.yaml:2:5: a configuration key must be a plain string, not a mapping")]
    [InlineData("? [a]\n: x\n", "falco.yaml:1:3: a configuration key must be a plain string, not a list")]
    public void A_configuration_key_that_is_not_a_string_is_a_configuration_error(string yaml, string message)
    {
        // Found by fuzzing: an InvalidCastException escaped ConfigTree.Parse.
        Assert.Equal(message, Assert.Throws<ConfigException>(() => ConfigTree.Parse(yaml, "falco.yaml")).Message);
    }

    [Fact]
    public void An_override_with_a_repeated_JSON_name_keeps_the_last_value()
    {
        // Found by fuzzing: ToDictionary threw ArgumentException on the repeated name.
        ConfigTree tree = ConfigTree.Empty();
        tree.ApplyOverride("a={\"b\": 1, \"b\": 2}");
        Assert.Equal("2", tree.GetString("a.b"));
    }

    [Theory]
    [InlineData("t%8888888888888888888888888888888proc.name")]
    [InlineData("%4097proc.name")]
    public void An_output_field_width_past_the_bound_is_an_output_error(string output)
    {
        // Found by fuzzing: the width overflowed int (OverflowException); a huge width would also pad every alert.
        // The parser names the bound; the rules loader reports a bad output token with Falco's own text.
        var error = Assert.Throws<Falconet.Fields.OutputFormats.OutputFormatException>(() => Falconet.Fields.OutputFormats.OutputFormat.Parse(output, Falconet.Fields.FieldRegistry.Default));
        Assert.Contains($"field width at offset {output.IndexOf('%', StringComparison.Ordinal)} is larger than 4096", error.Message, StringComparison.Ordinal);
        LoadDiagnostic diagnostic = SingleError(RulesLoader.LoadText("w.yaml", Rule("proc.name = a", $"\"{output}\"")));
        Assert.Contains("unknown filter", diagnostic.Message, StringComparison.Ordinal);
        LoadResult widest = RulesLoader.LoadText("w.yaml", Rule("proc.name = a", "\"%4096proc.name\""));
        Assert.True(widest.Success, widest.ToText());
    }
}
