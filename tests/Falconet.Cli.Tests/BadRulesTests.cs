using System.Text.Json.Nodes;
using Falconet.TestKit;

namespace Falconet.Cli.Tests;

/// <summary>
/// Broken rules files through the built command: exit code 1 and Falco's <c>LOAD_ERR_*</c> code, message and
/// file:line:column (YAML positions are 0-based, as Falco prints them), in text and with json_output.
/// Warnings are reported and the load still succeeds.
/// </summary>
public sealed class BadRulesTests
{
    public static TheoryData<string> ErrorCases() => new(s_errorCases.Keys);

    /// <summary>
    /// Case → (rules file, code, message fragment, the location "line:column"). As in Falco, a priority Falco cannot
    /// parse is a YAML validation error (the reader's check), not LOAD_ERR_VALIDATE; an unclosed flow sequence is reported
    /// where the input ends.
    /// </summary>
    private static readonly Dictionary<string, (string Yaml, string Code, string Message, string Location)> s_errorCases = new()
    {
        ["condition syntax error"] = ("""
            - rule: broken_syntax
              desc: d
              condition: evt.type = open and (proc.name = bash
              output: o
              priority: WARNING
            """, "LOAD_ERR_COMPILE_CONDITION", "expected ')'", "2:13"),
        ["unknown field"] = ("""
            - rule: unknown_field
              desc: d
              condition: evt.type = open and proc.nosuchfield = bash
              output: o
              priority: WARNING
            """, "LOAD_ERR_COMPILE_CONDITION", "nonexistent field proc.nosuchfield", "2:13"),
        ["undefined macro"] = ("""
            - rule: undefined_macro
              desc: d
              condition: evt.type = open and no_such_macro
              output: o
              priority: WARNING
            """, "LOAD_ERR_VALIDATE", "Undefined macro 'no_such_macro' used in filter.", "0:2"),
        ["macro loop"] = ("""
            - macro: m1
              condition: evt.type = open
            - macro: m1
              condition: m1 and proc.name = bash
            - rule: loop_rule
              desc: d
              condition: m1
              output: o
              priority: WARNING
            """, "LOAD_ERR_VALIDATE", "reference loop in macro 'm1'", "2:2"),
        ["append to a missing rule"] = ("""
            - rule: no_such_rule
              condition: and proc.name = bash
              override:
                condition: append
            """, "LOAD_ERR_VALIDATE", "no rule by that name already exists", "0:2"),
        ["invalid YAML"] = ("""
            - rule: bad_yaml
              desc: [unclosed
              condition: evt.type = open
            """, "LOAD_ERR_YAML_PARSE", "unexpected end of input", "2:28"),
        ["wrong priority"] = ("""
            - rule: bad_priority
              desc: d
              condition: evt.type = open
              output: o
              priority: SUPERBAD
            """, "LOAD_ERR_YAML_VALIDATE", "Invalid priority", "4:12"),
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void ErrorFailsValidationWithCodeAndPosition_Text(string name)
    {
        (string yaml, string code, string message, string location) = s_errorCases[name];
        using var temp = new TempDirectory();
        string file = temp.File("bad.yaml");
        File.WriteAllText(file, yaml);

        ProcessResult run = FalconetProcess.Run("-V", file);

        Assert.True(run.ExitCode == 1, run.ToString());
        string text = run.StandardOutput + run.StandardError;
        Assert.Contains($"{file}: Invalid", text);
        Assert.Contains(code, text);
        Assert.Contains(message, text);
        Assert.Contains($"{file}:{location})", text);
        Assert.DoesNotContain("   at ", text);
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void ErrorFailsValidationWithCodeAndPosition_Json(string name)
    {
        (string yaml, string code, string message, string location) = s_errorCases[name];
        using var temp = new TempDirectory();
        string file = temp.File("bad.yaml");
        File.WriteAllText(file, yaml);

        ProcessResult run = FalconetProcess.Run("-V", file, "-o", "json_output=true");

        Assert.True(run.ExitCode == 1, run.ToString());
        JsonNode result = JsonNode.Parse(run.StandardOutput)!["falco_load_results"]![0]!;
        Assert.False(result["successful"]!.GetValue<bool>());
        JsonNode error = Assert.Single(result["errors"]!.AsArray())!;
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Contains(message, error["message"]!.GetValue<string>());
        var positions = error["context"]!["locations"]!.AsArray()
            .Select(l => l!["position"]!)
            .Select(p => $"{p["name"]!.GetValue<string>()}:{p["line"]!.GetValue<int>()}:{p["column"]!.GetValue<int>()}")
            .ToList();
        Assert.Contains($"{file}:{location}", positions);
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void ErrorFailsARunBeforeAnyEvent(string name)
    {
        using var temp = new TempDirectory();
        string file = temp.File("bad.yaml");
        File.WriteAllText(file, s_errorCases[name].Yaml);

        ProcessResult run = FalconetProcess.Run("-r", file, "--dry-run");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(s_errorCases[name].Code, run.StandardError);
        Assert.Equal("", run.StandardOutput);
    }

    public static TheoryData<string, string, string> WarningCases() => new()
    {
        {
            "unused list", """
            - list: never_used
              items: [a, b]
            """, "LOAD_UNUSED_LIST"
        },
        {
            "deprecated evt.dir", """
            - rule: uses_evt_dir
              desc: d
              condition: evt.type = open and evt.dir = <
              output: o
              priority: WARNING
            """, "LOAD_DEPRECATED_ITEM"
        },
        {
            "unknown key", """
            - rule: unknown_key
              desc: d
              condition: evt.type = open
              output: o
              priority: WARNING
              frobnicate: yes
            """, "LOAD_UNKNOWN_KEY"
        },
    };

    [Theory]
    [MemberData(nameof(WarningCases))]
    public void WarningIsReportedAndTheLoadSucceeds(string name, string yaml, string code)
    {
        using var temp = new TempDirectory();
        string file = temp.File(name.Replace(' ', '_') + ".yaml");
        // A used rule keeps each case down to the one warning it is about.
        File.WriteAllText(file, yaml + """

            - rule: plain
              desc: d
              condition: evt.type = close
              output: o
              priority: INFO
            """);

        ProcessResult text = FalconetProcess.Run("-V", file);
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains($"{file}: Ok, with warnings", text.StandardOutput + text.StandardError);
        Assert.Contains(code, text.StandardOutput + text.StandardError);

        ProcessResult json = FalconetProcess.Run("-V", file, "-o", "json_output=true");
        Assert.True(json.ExitCode == 0, json.ToString());
        JsonNode result = JsonNode.Parse(json.StandardOutput)!["falco_load_results"]![0]!;
        Assert.True(result["successful"]!.GetValue<bool>());
        Assert.Empty(result["errors"]!.AsArray());
        Assert.Contains(code, result["warnings"]!.AsArray().Select(w => w!["code"]!.GetValue<string>()));

        ProcessResult load = FalconetProcess.Run("-r", file, "--dry-run");
        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.Contains(code, load.StandardError);
    }
}
