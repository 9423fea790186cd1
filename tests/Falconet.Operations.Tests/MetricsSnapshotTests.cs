using System.Text.Json.Nodes;
using Falconet.TestKit;

namespace Falconet.Operations.Tests;

/// <summary>
/// Falco's <c>metrics</c> section: every <c>metrics.interval</c> a <c>Falco internal: metrics snapshot</c> alert with
/// the same counters as <c>/metrics</c> reaches the outputs (here a JSON file), during a replay fed slowly on stdin.
/// </summary>
public sealed class MetricsSnapshotTests
{
    private const string Rules = """
        - rule: socket seen
          desc: every socket exit
          condition: evt.type = socket and evt.dir = <
          output: "A %evt.num"
          priority: WARNING
        """;

    [Fact]
    public void SnapshotAlertsCarryTheCountersSoFar()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("rules.yaml"), Rules);
        SlowCapture capture = SlowCapture.Create(dir.File("scratch.scap"), 20);
        string events = dir.File("events.json");
        using var child = new FalconetChild(["-r", dir.File("rules.yaml"), "-o", "json_output=true", "-o", "stdout_output.enabled=false",
            "-o", "file_output.enabled=true", "-o", "file_output.filename=" + events, "-o", "file_output.keep_alive=true", "-U",
            "-o", "metrics.enabled=true", "-o", "metrics.interval=200ms", "-o", "dns.mode=observed"]);

        child.Write(capture.Header);
        child.Write(capture.Events.Take(8));
        // A snapshot taken after the first 8 events were read and evaluated says so.
        JsonNode? snapshot = null;
        child.WaitUntil(() => (snapshot = Snapshots(events).LastOrDefault(s => Field(s, "falcosecurity_scap_n_evts_total") == 8
            && Field(s, "falcosecurity_falco_alerts_total") == 8)) is not null, "a metrics snapshot with 8 events and 8 alerts");
        Assert.Equal("internal", snapshot!["source"]!.GetValue<string>());
        Assert.Equal("Informational", snapshot["priority"]!.GetValue<string>());
        Assert.Equal(8, Field(snapshot, "falcosecurity_falco_rules_matches_total.socket seen.4.syscall"));
        Assert.True(Field(snapshot, "process_resident_memory_bytes") > 0);
        Assert.True(snapshot["output_fields"]!.AsObject().ContainsKey("falconet_output_delivered_total.file"));

        child.Write(capture.Events.Skip(8));
        (int rc, _, string stderr) = child.Finish();
        Assert.Equal(0, rc);
        Assert.Contains("Events detected: 20", stderr, StringComparison.Ordinal);
        // Rule alerts are not counted as snapshots, nor snapshots as rule alerts.
        Assert.Equal(20, File.ReadAllLines(events).Count(l => l.Contains("\"rule\":\"socket seen\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void NoSnapshotsWhenThePriorityFilterIsAboveInformational()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("rules.yaml"), Rules);
        SlowCapture capture = SlowCapture.Create(dir.File("scratch.scap"), 4);
        using var child = new FalconetChild(["-r", dir.File("rules.yaml"), "-o", "priority=warning",
            "-o", "metrics.enabled=true", "-o", "metrics.interval=100ms", "-o", "dns.mode=observed"]);
        child.Write(capture.Header);
        child.Write(capture.Events);
        (int rc, string stdout, string stderr) = child.Finish();
        Assert.Equal(0, rc);
        Assert.Contains("metrics.output_rule needs priority informational or debug", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("metrics snapshot", stdout, StringComparison.Ordinal);
    }

    private static List<JsonNode> Snapshots(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var list = new List<JsonNode>();
        while (reader.ReadLine() is string line)
        {
            if (line.Contains("metrics snapshot", StringComparison.Ordinal) && line.EndsWith('}'))
            {
                list.Add(JsonNode.Parse(line)!);
            }
        }
        return list;
    }

    private static double Field(JsonNode alert, string key) =>
        alert["output_fields"]?[key]?.GetValue<double>() ?? double.NaN;
}
