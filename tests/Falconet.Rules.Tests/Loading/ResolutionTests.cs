using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;

namespace Falconet.Rules.Tests.Loading;

/// <summary>List substitution, macro expansion, appends across files and exceptions, checked on the compiled condition.</summary>
public sealed class ResolutionTests
{
    private static string CompiledCondition(string condition)
    {
        string yaml = $"""
            - list: my_list
              items: [a, "b c"]
            - list: empty
              items: []
            - rule: r1
              desc: d
              condition: {condition}
              output: o
              priority: INFO
            """;
        LoadResult result = RulesLoader.LoadText("x.yaml", yaml, TestFields.Registry);
        Assert.True(result.Success, result.ToText());
        return ConditionPrinter.Print(Assert.Single(result.RuleSet.Rules).Condition);
    }

    [Theory]
    [InlineData("proc.name in (ls, my_list, ps)", "proc.name in (ls, a, \"b c\", ps)")]
    [InlineData("proc.name in (ls, empty)", "proc.name in (ls)")]
    [InlineData("proc.name in (my_list)", "proc.name in (a, \"b c\")")]
    [InlineData("proc.name pmatch (my_list)", "proc.name pmatch (a, \"b c\")")]
    // Lists are resolved on the parsed condition: outside a list a list name is a plain value.
    [InlineData("proc.name = my_list", "proc.name = my_list")]
    [InlineData("fd.name = file_my_list", "fd.name = file_my_list")]
    [InlineData("proc.name in (\"my_list\")", "proc.name in (my_list)")]
    public void ListNamesExpandWhereAListIsExpected(string condition, string expected)
    {
        Assert.Equal(expected, CompiledCondition(condition));
    }

    [Fact]
    public void ListUsedOnlyOutsideAListContextIsUnused()
    {
        const string Yaml = """
            - list: my_list
              items: [a]
            - rule: r1
              desc: d
              condition: evt.type = open and proc.name = my_list
              output: o
              priority: INFO
            """;
        LoadResult result = RulesLoader.LoadText("x.yaml", Yaml, TestFields.Registry);
        Assert.True(result.Success, result.ToText());
        Assert.Equal("LOAD_UNUSED_LIST", Assert.Single(result.Files[0].Warnings).Code);
    }

    [Fact]
    public void LaterFileAppendsAndOverridesEarlierOne()
    {
        const string Base = """
            - list: shells
              items: [bash, sh]
            - macro: opens
              condition: evt.type in (open,openat)
            - rule: r1
              desc: d
              condition: opens or evt.type = close
              output: o
              priority: INFO
            """;
        const string Local = """
            - macro: opens
              condition: or evt.type = openat2
              override:
                condition: append
            - rule: r1
              condition: and proc.name in (shells)
              override:
                condition: append
            - rule: r1
              priority: ERROR
              override:
                priority: replace
            """;
        LoadResult result = RulesLoader.LoadText([("base.yaml", Base), ("local.yaml", Local)], TestFields.Registry);
        Assert.True(result.Success, result.ToText());
        Assert.Equal(2, result.Files.Count);
        CompiledRule rule = Assert.Single(result.RuleSet.Rules);
        // Appended text is joined before parsing: "a or b and c" is "a or (b and c)".
        Assert.Equal("((evt.type in (open, openat) or evt.type = openat2) or (evt.type = close and proc.name in (bash, sh)))",
            ConditionPrinter.Print(rule.Condition));
        Assert.Equal(Falconet.Core.Alerts.Priority.Error, rule.Priority);
    }

    [Fact]
    public void ExceptionsBecomeAndNotClauses()
    {
        const string Yaml = """
            - rule: r1
              desc: d
              condition: evt.type = open
              output: o
              priority: INFO
              exceptions:
                - name: by_proc
                  fields: [proc.name, fd.name]
                  values:
                    - [bash, /etc/passwd]
                - name: by_name
                  fields: proc.name
                  values: [ls, "my tool"]
            """;
        LoadResult result = RulesLoader.LoadText("x.yaml", Yaml, TestFields.Registry);
        Assert.True(result.Success, result.ToText());
        CompiledRule rule = Assert.Single(result.RuleSet.Rules);
        Assert.Equal("(evt.type = open and not (proc.name = bash and fd.name = /etc/passwd) and not proc.name in (ls, \"my tool\"))",
            ConditionPrinter.Print(rule.Condition));
        Assert.Equal(["fd.name", "proc.name"], rule.ExceptionFields.Order());
    }

    [Fact]
    public void ExceptionWithUnknownFieldIsValidateError()
    {
        const string Yaml = """
            - rule: r1
              desc: d
              condition: evt.type = open
              output: o
              priority: INFO
              exceptions:
                - name: bad
                  fields: [proc.nope]
                  values: [[x]]
            """;
        LoadDiagnostic error = Assert.Single(RulesLoader.LoadText("x.yaml", Yaml, TestFields.Registry).Files[0].Errors);
        Assert.Equal("LOAD_ERR_VALIDATE", error.Code);
        Assert.Equal("'proc.nope' is not a supported filter field", error.Message);
        Assert.Equal((6, 6), (error.Context.Last.Position.Line, error.Context.Last.Position.Column));
    }

    [Fact]
    public void EngineVersionTooNewIsRejected()
    {
        LoadDiagnostic error = Assert.Single(RulesLoader.LoadText("x.yaml", "- required_engine_version: 0.99.0\n", TestFields.Registry).Files[0].Errors);
        Assert.Equal("Rules require engine version 0.99.0, but engine version is " + EngineVersion.Current, error.Message);
    }
}
