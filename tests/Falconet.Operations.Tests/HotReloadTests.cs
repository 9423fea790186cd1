using System.Text.Json.Nodes;
using Falconet.TestKit;

namespace Falconet.Operations.Tests;

/// <summary>
/// SIGHUP during a replay fed slowly on stdin: a broken rules file is rejected with its errors logged and the old
/// rules keep alerting; a valid one takes over between two events, every event alerted exactly once across the
/// switches; SIGHUP also reopens the file output (log rotation). The same through <c>watch_config_files</c>.
/// </summary>
public sealed class HotReloadTests
{
    private static string Rule(string name, string tag) => $"""
        - rule: {name}
          desc: every socket exit
          condition: evt.type = socket and evt.dir = <
          output: "{tag} %evt.num"
          priority: WARNING
        """;

    private const string Broken = """
        - rule: broken
          desc: d
          condition: evt.type = socket and (proc.name = x
          output: o
          priority: WARNING
        """;

    [Fact]
    public void SighupRejectsABrokenSetKeepsTheOldOneAndSwitchesToAValidOneWithoutLosingOrRepeatingAnEvent()
    {
        using var dir = new TempDirectory();
        string rules = dir.File("rules.yaml");
        File.WriteAllText(rules, Rule("socket v1", "A"));
        string events = dir.File("events.json");
        SlowCapture capture = SlowCapture.Create(dir.File("scratch.scap"), 30);
        using var child = new FalconetChild(["-r", rules, "-o", "json_output=true", "-o", "stdout_output.enabled=false",
            "-o", "file_output.enabled=true", "-o", "file_output.filename=" + events, "-o", "file_output.keep_alive=true", "-U",
            "-o", "dns.mode=observed"]);

        child.Write(capture.Header);
        child.Write(capture.Events.Take(10));
        child.WaitUntil(() => RuleAlerts(events).Count == 10, "10 alerts of the first rules");

        File.WriteAllText(rules, Broken);
        child.Signal("HUP");
        // The rejection and its errors (one write, which the pipe may deliver in pieces).
        child.WaitUntil(() => child.Stderr.Contains("reload (SIGHUP) rejected", StringComparison.Ordinal)
            && child.Stderr.Contains("LOAD_ERR_COMPILE_CONDITION", StringComparison.Ordinal), "the broken set rejected with its errors");
        child.Write(capture.Events.Skip(10).Take(10));
        child.WaitUntil(() => RuleAlerts(events).Count == 20, "10 more alerts of the first rules");
        child.WaitUntil(() => File.ReadAllText(events).Contains("hot restart failure", StringComparison.Ordinal), "the hot restart failure alert");

        // Log rotation: the file moves away; SIGHUP makes the output open a new one at the configured path.
        string rotated = dir.File("events.json.1");
        File.Move(events, rotated);
        File.WriteAllText(rules, Rule("socket v2", "B"));
        child.Signal("HUP");
        child.WaitUntil(() => child.Stderr.Contains("reload (SIGHUP): 1 rules loaded", StringComparison.Ordinal), "the valid set loaded");
        child.Write(capture.Events.Skip(20));
        (int rc, _, string stderr) = child.Finish();

        Assert.Equal(0, rc);
        List<JsonNode> before = RuleAlerts(rotated);
        List<JsonNode> after = RuleAlerts(events);
        Assert.All(before, a => Assert.Equal("socket v1", a["rule"]!.GetValue<string>()));
        Assert.All(after, a => Assert.Equal("socket v2", a["rule"]!.GetValue<string>()));
        // Every event alerted once, by exactly one rule set: 1-20 by the old rules, 21-30 by the new.
        Assert.Equal(Enumerable.Range(1, 20), before.Select(Number));
        Assert.Equal(Enumerable.Range(21, 10), after.Select(Number));
        Assert.Contains("Events detected: 30", stderr, StringComparison.Ordinal);
        Assert.Contains("   socket v1: 20", stderr, StringComparison.Ordinal);
        Assert.Contains("   socket v2: 10", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void WatchConfigFilesReloadsWhenTheRulesFileChanges()
    {
        using var dir = new TempDirectory();
        string rules = dir.File("rules.yaml");
        File.WriteAllText(rules, Rule("socket v1", "A"));
        string events = dir.File("events.json");
        SlowCapture capture = SlowCapture.Create(dir.File("scratch.scap"), 10);
        using var child = new FalconetChild(["-r", rules, "-o", "json_output=true", "-o", "stdout_output.enabled=false",
            "-o", "file_output.enabled=true", "-o", "file_output.filename=" + events, "-o", "file_output.keep_alive=true", "-U",
            "-o", "dns.mode=observed", "-o", "watch_config_files=true"]);

        child.Write(capture.Header);
        child.Write(capture.Events.Take(5));
        child.WaitUntil(() => RuleAlerts(events).Count == 5, "5 alerts of the first rules");
        File.WriteAllText(rules, Rule("socket v2", "B"));
        child.WaitUntil(() => child.Stderr.Contains("reload (watch_config_files: ", StringComparison.Ordinal)
            && child.Stderr.Contains("1 rules loaded", StringComparison.Ordinal), "the change noticed and loaded");
        child.Write(capture.Events.Skip(5));
        (int rc, _, _) = child.Finish();

        Assert.Equal(0, rc);
        List<JsonNode> all = RuleAlerts(events);
        Assert.Equal(Enumerable.Range(1, 10), all.Select(Number));
        Assert.Equal(["socket v1", "socket v2"], all.Select(a => a["rule"]!.GetValue<string>()).Distinct());
        Assert.All(all.Skip(5), a => Assert.Equal("socket v2", a["rule"]!.GetValue<string>()));
    }

    private static int Number(JsonNode alert) =>
        int.Parse(alert["output"]!.GetValue<string>().Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);

    private static List<JsonNode> RuleAlerts(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var list = new List<JsonNode>();
        while (reader.ReadLine() is string line)
        {
            if (line.EndsWith('}') && JsonNode.Parse(line) is JsonNode node && node["source"]?.GetValue<string>() == "syscall")
            {
                list.Add(node);
            }
        }
        return list;
    }
}
