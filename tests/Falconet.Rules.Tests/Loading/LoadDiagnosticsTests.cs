using Falconet.Rules.Loading;

namespace Falconet.Rules.Tests.Loading;

/// <summary>Each error/warning case checks Falco's code and the position Falco reports (0-based YAML line/column).</summary>
public sealed class LoadDiagnosticsTests
{
    private static LoadResult Load(string yaml) => RulesLoader.LoadText("test.yaml", yaml, TestFields.Registry);

    private static LoadDiagnostic SingleError(LoadResult result)
    {
        Assert.False(result.Success);
        return Assert.Single(result.Files[^1].Errors);
    }

    [Fact]
    public void ConditionSyntaxErrorIsCompileConditionAtTheToken()
    {
        LoadResult result = Load("""
            - rule: r1
              desc: d
              condition: evt.type = open and (proc.name = bash
              output: o
              priority: INFO
            """);
        LoadDiagnostic error = SingleError(result);
        Assert.Equal("LOAD_ERR_COMPILE_CONDITION", error.Code);
        Assert.Equal("Error compiling condition", error.CodeDescription);
        LoadLocation last = error.Context.Last;
        Assert.Equal(LoadItemType.ConditionExpression, last.ItemType);
        // The condition node sits at line 2, column 13 (0-based); Falco adds the parser's 1-based position.
        Assert.Equal(2 + 1, last.Position.Line);
        Assert.True(last.Position.Column > 13);
        Assert.Equal(("r1"), error.Context.Item?.Name);
        Assert.Equal((3, 14), error.Context.FilePosition);
    }

    [Fact]
    public void UnknownFieldIsCompileCondition()
    {
        LoadResult result = Load("""
            - rule: r1
              desc: d
              condition: evt.type = open and proc.nmae = bash
              output: o
              priority: INFO
            """);
        LoadDiagnostic error = SingleError(result);
        Assert.Equal("LOAD_ERR_COMPILE_CONDITION", error.Code);
        Assert.Equal("filter_check called with nonexistent field proc.nmae", error.Message);
        // proc.nmae starts at condition offset 20 → column 13 + 21.
        Assert.Equal(new LoadPosition(20 + error.Context.Locations[^2].Position.Offset, 3, 13 + 21), error.Context.Last.Position);
    }

    [Fact]
    public void UnknownFieldWithSkipIfUnknownFilterIsAWarningAndDropsTheRule()
    {
        LoadResult result = Load("""
            - rule: r1
              desc: d
              condition: evt.type = open and proc.nmae = bash
              output: o
              priority: INFO
              skip-if-unknown-filter: true
            """);
        Assert.True(result.Success);
        Assert.Equal("LOAD_UNKNOWN_FILTER", Assert.Single(result.Files[0].Warnings).Code);
        Assert.Empty(result.RuleSet.Rules);
    }

    [Fact]
    public void UnknownEventTypeIsCompileConditionButSyscallNamesAreKnown()
    {
        LoadResult result = Load("""
            - rule: r1
              desc: d
              condition: evt.type in (alarm, nosuchcall)
              output: o
              priority: INFO
            """);
        LoadDiagnostic error = SingleError(result);
        Assert.Equal("LOAD_ERR_COMPILE_CONDITION", error.Code);
        Assert.Equal("unknown event type nosuchcall", error.Message);
    }

    [Fact]
    public void UnknownOutputFieldIsCompileOutputOrAWarningWithSkipIfUnknownFilter()
    {
        const string Rule = """
            - rule: r1
              desc: d
              condition: evt.type = open
              output: opened %proc.nope by %proc.name
              priority: INFO
            """;
        LoadDiagnostic error = SingleError(Load(Rule));
        Assert.Equal("LOAD_ERR_COMPILE_OUTPUT", error.Code);
        Assert.Equal("unknown filter: unexpected token after '", error.Message); // Falco 0.44.1 cuts its own message short

        LoadResult skipped = Load(Rule + "\n  skip-if-unknown-filter: true\n");
        Assert.True(skipped.Success, skipped.ToText());
        Assert.Equal("LOAD_UNKNOWN_FILTER", Assert.Single(skipped.Files[0].Warnings).Code);
        Assert.Empty(skipped.RuleSet.Rules);
    }

    [Fact]
    public void ConstantThatLooksLikeAFieldIsACompileConditionWarning()
    {
        LoadResult result = Load("""
            - rule: r1
              desc: d
              condition: evt.type = open and proc.name = proc.pname
              output: o
              priority: INFO
            """);
        Assert.True(result.Success, result.ToText());
        LoadDiagnostic warning = Assert.Single(result.Files[0].Warnings);
        Assert.Equal("LOAD_COMPILE_CONDITION", warning.Code);
        Assert.Equal("'proc.pname' may be a valid field misused as a const string value", warning.Message);
    }

    [Fact]
    public void UndefinedMacroIsValidateErrorAtTheReference()
    {
        LoadResult result = Load("""
            - rule: r1
              desc: d
              condition: evt.type = open and no_such_macro
              output: o
              priority: INFO
            """);
        LoadDiagnostic error = SingleError(result);
        Assert.Equal("LOAD_ERR_VALIDATE", error.Code);
        Assert.Equal("Undefined macro 'no_such_macro' used in filter.", error.Message);
        // As in Falco, the position is relative to the rule item (line 0, column 2), not the condition node.
        Assert.Equal(new LoadPosition(2 + 20, 0 + 1, 2 + 21), error.Context.Last.Position);
    }

    [Fact]
    public void MacroLoopIsReported()
    {
        LoadResult result = Load("""
            - macro: m1
              condition: evt.type = open
            - macro: m1
              condition: m1 and proc.name = bash
            - rule: r1
              desc: d
              condition: m1
              output: o
              priority: INFO
            """);
        LoadDiagnostic error = SingleError(result);
        Assert.Equal("LOAD_ERR_VALIDATE", error.Code);
        Assert.Equal("reference loop in macro 'm1'", error.Message);
        Assert.Equal(("m1"), error.Context.Item?.Name);
        Assert.Equal(2 + 1, error.Context.Last.Position.Line);
    }

    [Fact]
    public void MacroSeesOnlyEarlierMacros()
    {
        LoadResult result = Load("""
            - macro: m1
              condition: m2
            - macro: m2
              condition: evt.type = open
            - rule: r1
              desc: d
              condition: m1
              output: o
              priority: INFO
            """);
        LoadDiagnostic error = SingleError(result);
        Assert.Equal("Undefined macro 'm2' used in filter.", error.Message);
        Assert.Equal(("m1"), error.Context.Item?.Name);
    }

    [Fact]
    public void AppendToMissingRuleIsValidateError()
    {
        LoadResult result = Load("""
            - rule: missing
              condition: and proc.name = bash
              override:
                condition: append
            """);
        LoadDiagnostic error = SingleError(result);
        Assert.Equal("LOAD_ERR_VALIDATE", error.Code);
        Assert.Equal("Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists", error.Message);
        Assert.Equal(new LoadPosition(2, 0, 2), error.Context.Last.Position);
        Assert.Equal(LoadItemType.Rule, error.Context.Last.ItemType);
    }

    [Fact]
    public void InvalidYamlIsYamlParseError()
    {
        LoadResult result = Load("- rule: r1\n  desc: [unclosed\n");
        LoadDiagnostic error = SingleError(result);
        Assert.Equal("LOAD_ERR_YAML_PARSE", error.Code);
        Assert.True(error.Context.Last.Position.Line >= 1);
        Assert.Contains("line", error.Message);
    }

    [Fact]
    public void WrongPriorityIsYamlValidateErrorAtThePriority()
    {
        LoadResult result = Load("""
            - rule: r1
              desc: d
              condition: evt.type = open
              output: o
              priority: LOUD
            """);
        LoadDiagnostic error = SingleError(result);
        Assert.Equal("LOAD_ERR_YAML_VALIDATE", error.Code);
        Assert.Equal("Invalid priority", error.Message);
        Assert.Equal(LoadItemType.RulePriority, error.Context.Last.ItemType);
        Assert.Equal((4, 12), (error.Context.Last.Position.Line, error.Context.Last.Position.Column));
    }

    [Fact]
    public void MissingRequiredKeyIsReported()
    {
        LoadResult result = Load("""
            - rule: r1
              desc: d
              condition: evt.type = open
              priority: INFO
            """);
        LoadDiagnostic error = SingleError(result);
        Assert.Equal("LOAD_ERR_YAML_VALIDATE", error.Code);
        Assert.Equal("Item has no mapping for key 'output'", error.Message);
    }

    [Fact]
    public void NonSequenceItemsIsReported()
    {
        LoadResult result = Load("- list: l1\n  items: abc\n");
        LoadDiagnostic error = SingleError(result);
        Assert.Equal("Value is not a sequence", error.Message);
        Assert.Equal((1, 9), (error.Context.Last.Position.Line, error.Context.Last.Position.Column));
    }

    [Fact]
    public void WarningsDoNotFailTheLoad()
    {
        LoadResult result = Load("""
            - list: unused_list
              items: [a, b]
            - macro: unused_macro
              condition: evt.type = close
            - rule: r1
              desc: d
              condition: evt.type = open and evt.dir = <
              output: o
              priority: INFO
              colour: blue
            """);
        Assert.True(result.Success);
        IReadOnlyList<LoadDiagnostic> warnings = result.Files[0].Warnings;
        LoadDiagnostic unknownKey = Assert.Single(warnings, w => w.Code == "LOAD_UNKNOWN_KEY");
        Assert.Equal("Unknown key 'colour'. The key will be ignored.", unknownKey.Message);
        Assert.Equal((9, 2), (unknownKey.Context.Last.Position.Line, unknownKey.Context.Last.Position.Column));
        LoadDiagnostic deprecated = Assert.Single(warnings, w => w.Code == "LOAD_DEPRECATED_ITEM");
        Assert.Equal("evt.dir", deprecated.DeprecatedField);
        Assert.Equal(LoadItemType.RuleCondition, deprecated.Context.Last.ItemType);
        Assert.Equal(6, deprecated.Context.Last.Position.Line);
        LoadDiagnostic unusedList = Assert.Single(warnings, w => w.Code == "LOAD_UNUSED_LIST");
        Assert.Equal((0, 2), (unusedList.Context.Last.Position.Line, unusedList.Context.Last.Position.Column));
        Assert.Equal("unused_list", unusedList.Context.Item?.Name);
        LoadDiagnostic unusedMacro = Assert.Single(warnings, w => w.Code == "LOAD_UNUSED_MACRO");
        Assert.Equal(2, unusedMacro.Context.Last.Position.Line);
        Assert.False(result.Files[0].SchemaValid);
        Assert.Single(result.RuleSet.Rules);
        Assert.StartsWith("test.yaml: Ok, with warnings", result.ToText());
    }

    [Fact]
    public void TooManyEventTypesWarnsUnlessDisabled()
    {
        const string Rule = """
            - rule: r1
              desc: d
              condition: proc.name = bash
              output: o
              priority: INFO
            """;
        Assert.Equal("LOAD_NO_EVTTYPE", Assert.Single(Load(Rule).Files[0].Warnings).Code);
        Assert.Empty(Load(Rule + "\n  warn_evttypes: false\n").Files[0].Warnings);
    }

    [Fact]
    public void ErrorJsonHasFalcoShape()
    {
        LoadResult result = Load("- rule: r1\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: LOUD\n");
        using var document = System.Text.Json.JsonDocument.Parse(result.ToJson());
        System.Text.Json.JsonElement file = document.RootElement.GetProperty("falco_load_results")[0];
        Assert.False(file.GetProperty("successful").GetBoolean());
        System.Text.Json.JsonElement error = file.GetProperty("errors")[0];
        Assert.Equal("LOAD_ERR_YAML_VALIDATE", error.GetProperty("code").GetString());
        Assert.Equal("Error validating internal structure of YAML file", error.GetProperty("codedesc").GetString());
        System.Text.Json.JsonElement locations = error.GetProperty("context").GetProperty("locations");
        Assert.Equal("rules content", locations[0].GetProperty("item_type").GetString());
        Assert.Equal("rule", locations[1].GetProperty("item_type").GetString());
        Assert.Equal("r1", locations[1].GetProperty("item_name").GetString());
        Assert.Equal("rule priority", locations[2].GetProperty("item_type").GetString());
        Assert.Equal(4, locations[2].GetProperty("position").GetProperty("line").GetInt32());
        Assert.Equal("  priority: LOUD\n            ^\n", error.GetProperty("context").GetProperty("snippet").GetString());
        Assert.Contains("LOAD_ERR_YAML_VALIDATE (Error validating internal structure of YAML file): Invalid priority", result.ToText());
    }

    [Theory]
    // Falco 0.44.1 (falco -V): transformers in outputs load, bad ones fail with libsinsp's (cut-short) message.
    [InlineData("x %toupper(proc.name) %len(proc.name) %concat(proc.name, \"x\") %join(\",\", (proc.name, proc.exe))", null)]
    [InlineData("x %toupper( tolower(proc.name) ) %toupper(\"abc\")", null)]
    [InlineData("x %proc.nameand %proc.name. %proc.aname[ %proc.aname[]", null)]
    [InlineData("x %toupper(proc.pid)", "unknown filter: unexpected token after '")]
    [InlineData("x %toupper (proc.name)", "unknown filter: unexpected token after '")]
    [InlineData("x %val(proc.name)", "unknown filter: unexpected token after '")]
    [InlineData("x %(proc.name)", "unknown filter: unexpected token after '")]
    [InlineData("x %foo(proc.name)", "unknown filter: unexpected token after '")]
    [InlineData("x %proc.nam", "unknown filter: unexpected token after '")]
    [InlineData("x %toupper(proc.name", "unknown filter: unexpected token after '")]
    [InlineData("x %tolower(proc.name, proc.exe)", "unknown multivalue transformer")]
    public void OutputFormatsCheckTransformersAndTokensAtLoad(string output, string? message)
    {
        LoadResult result = Load($"""
            - rule: r1
              desc: d
              condition: evt.type = open
              output: '{output}'
              priority: INFO
            """);
        if (message is null)
        {
            Assert.True(result.Success, result.ToText());
            return;
        }
        LoadDiagnostic error = SingleError(result);
        Assert.Equal("LOAD_ERR_COMPILE_OUTPUT", error.Code);
        Assert.Equal(message, error.Message);
    }
}
