using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Falconet.Host;
using Falconet.TestKit;

namespace Falconet.Operations.Tests;

/// <summary>
/// The web server over a real replay: <c>/metrics</c> parsed by prometheus_client equals the end-of-run summary,
/// <c>/healthz</c> is 200 after a clean capture and 503 once the capture turned corrupt, <c>/versions</c> names the
/// versions and rules files.
/// </summary>
public sealed class WebServerReplayTests
{
    private static double Value(List<PrometheusParser.ParsedSample> samples, string name, params (string Label, string Value)[] labels)
    {
        List<PrometheusParser.ParsedSample> matching = [.. samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out string? v) && v == l.Value))];
        Assert.True(matching.Count == 1, $"expected one sample {name} {string.Join(",", labels)}, found {matching.Count}");
        return matching[0].Value;
    }

    [Fact]
    public void MetricsParsedByPrometheusClientEqualTheSummary()
    {
        PrometheusParser.Require();
        using var dir = new TempDirectory();
        string capture = dir.File("sample.scap");
        SampleCapture.Write(capture);

        ReplayRun.Result run = ReplayRun.Run(capture, [.. ReplayRun.WebServerOn, "file_output.enabled=true", "file_output.filename=" + dir.File("events.txt")]);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.NotNull(run.Scraped);
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(run.Scraped.BaseAddress.Host)));
        Assert.Contains($"web server listening on {run.Scraped.BaseAddress}", run.Stderr, StringComparison.Ordinal);
        RunSummary summary = RunSummary.Parse(run.Stderr);
        Assert.True(summary.Alerts > 0, "the sample capture raises alerts with the built-in rules");
        List<PrometheusParser.ParsedSample> m = PrometheusParser.Parse(run.Scraped.Metrics!);

        Assert.Equal(summary.EventsRead, Value(m, "falcosecurity_scap_n_evts_total"));
        Assert.Equal(summary.Alerts, Value(m, "falcosecurity_falco_alerts_total"));
        foreach ((string severity, long n) in summary.BySeverity)
        {
            PrometheusParser.ParsedSample sample = Assert.Single(m, s => s.Name == "falcosecurity_falco_alerts_by_priority_total"
                && s.Labels["priority"].Equals(severity, StringComparison.OrdinalIgnoreCase));
            Assert.Equal(n, sample.Value);
        }
        Assert.Equal(summary.BySeverity.Count, m.Count(s => s.Name == "falcosecurity_falco_alerts_by_priority_total"));
        foreach ((string rule, long n) in summary.ByRule)
        {
            Assert.Equal(n, Value(m, "falcosecurity_falco_rules_matches_total", ("rule_name", rule)));
        }
        Assert.Equal(summary.ByRule.Count, m.Count(s => s.Name == "falcosecurity_falco_rules_matches_total"));
        Assert.Equal(summary.Queued, Value(m, "falconet_outputs_enqueued_total"));
        Assert.Equal(summary.QueueDrops, Value(m, "falcosecurity_falco_outputs_queue_num_drops_total"));
        Assert.Equal(summary.Discarded, Value(m, "falconet_outputs_discarded_total"));
        Assert.Equal(0, Value(m, "falconet_outputs_queue_depth"));
        Assert.Equal(2, summary.Sinks.Count); // stdout and file
        foreach ((string channel, (long delivered, long failed)) in summary.Sinks)
        {
            Assert.Equal(delivered, Value(m, "falconet_output_delivered_total", ("channel", channel)));
            Assert.Equal(failed, Value(m, "falconet_output_failed_total", ("channel", channel)));
            Assert.Equal(summary.Alerts, delivered);
        }
        Assert.Equal(summary.Alerts, File.ReadAllLines(dir.File("events.txt")).Length);

        // The rest is present and plausible: state, DNS, rules, process.
        Assert.True(Value(m, "falconet_state_threads") > 0);
        Assert.True(Value(m, "falconet_dns_entries") >= 0);
        Assert.Equal(0, Value(m, "falconet_dns_evictions_total"));
        Assert.True(Value(m, "falconet_rules_enabled") > 0);
        Assert.True(Value(m, "falconet_rules_load_seconds") > 0);
        Assert.True(Value(m, "process_resident_memory_bytes") > 1 << 20);
        Assert.True(Value(m, "dotnet_gc_heap_bytes") > 0);
        Assert.Equal(3, m.Count(s => s.Name == "dotnet_gc_collections_total"));
        Assert.Equal(1, Value(m, "falcosecurity_falco_sha256_rules_files_info", ("file_name", EmbeddedDefaults.RulesFileName)));
        Assert.Equal(1, Value(m, "falconet_healthy"));
        Assert.Contains(m, s => s.Family == "falcosecurity_scap_n_evts" && s.Type == "counter");
    }

    [Fact]
    public void HealthzIsOkAfterACleanCaptureAndVersionsNameTheBuild()
    {
        using var dir = new TempDirectory();
        string capture = dir.File("sample.scap");
        SampleCapture.Write(capture);

        ReplayRun.Result run = ReplayRun.Run(capture, ReplayRun.WebServerOn);

        Assert.Equal(200, run.Scraped!.HealthStatus);
        Assert.Equal("ok", JsonNode.Parse(run.Scraped.Health)!["status"]!.GetValue<string>());
        JsonNode versions = JsonNode.Parse(run.Scraped.Versions)!;
        Assert.False(string.IsNullOrEmpty(versions["falconet_version"]!.GetValue<string>()));
        Assert.Equal("0.63.0", versions["engine_version"]!.GetValue<string>());
        JsonNode rules = Assert.Single(versions["rules_files"]!.AsArray())!;
        Assert.Equal(EmbeddedDefaults.RulesFileName, rules["name"]!.GetValue<string>());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(EmbeddedDefaults.RulesYaml))),
            rules["sha256"]!.GetValue<string>());
    }

    [Fact]
    public void HealthzTurnsUnhealthyWhenTheCaptureTurnsCorruptMidway()
    {
        using var dir = new TempDirectory();
        string whole = dir.File("sample.scap");
        SampleCapture.Write(whole);
        byte[] bytes = File.ReadAllBytes(whole);
        List<long> blocks = EventBlockStarts(bytes);
        int keep = blocks.Count / 2;
        string damaged = dir.File("damaged.scap");
        // The event block after the first half gets an impossible length: the reader fails there.
        byte[] broken = (byte[])bytes.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(broken.AsSpan((int)blocks[keep] + 4), 0xFFFFFF01);
        File.WriteAllBytes(damaged, broken);

        ReplayRun.Result run = ReplayRun.Run(damaged, ReplayRun.WebServerOn);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal(503, run.Scraped!.HealthStatus);
        JsonNode health = JsonNode.Parse(run.Scraped.Health)!;
        Assert.Equal("failed", health["status"]!.GetValue<string>());
        Assert.Contains($"offset {blocks[keep]}", health["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        // It failed midway: exactly the events before the corrupt block were read.
        Assert.Equal(keep, RunSummary.Parse(run.Stderr).EventsRead);
        Assert.Contains("falconet_healthy 0", run.Scraped.Metrics!, StringComparison.Ordinal);
    }

    [Fact]
    public void TheServerIsOffInAReplayUnlessAskedAndMetricsNeedMetricsEnabled()
    {
        using var dir = new TempDirectory();
        string capture = dir.File("sample.scap");
        SampleCapture.Write(capture);

        ReplayRun.Result off = ReplayRun.Run(capture, []);
        Assert.Null(off.Scraped);
        Assert.DoesNotContain("web server", off.Stderr, StringComparison.Ordinal);

        ReplayRun.Result noMetrics = ReplayRun.Run(capture, ["webserver.in_replay=true", "webserver.listen_port=0", "webserver.prometheus_metrics_enabled=true"]);
        Assert.Null(noMetrics.Scraped!.Metrics);
        Assert.Equal(200, noMetrics.Scraped.HealthStatus);
        Assert.Contains("metrics.enabled is false", noMetrics.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void APortInUseIsAOneLineUserError()
    {
        using var dir = new TempDirectory();
        string capture = dir.File("sample.scap");
        SampleCapture.Write(capture);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        UserFacingException e = Assert.Throws<UserFacingException>(() =>
            ReplayRun.Run(capture, ["webserver.in_replay=true", $"webserver.listen_port={port}"]));
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("webserver.listen_address=localhost", "webserver.listen_address")]
    [InlineData("webserver.listen_port=70000", "webserver.listen_port")]
    [InlineData("metrics.interval=5x", "metrics.interval")]
    [InlineData("metrics.interval=50ms", "metrics.interval")]
    public void BadWebServerAndMetricsKeysAreConfigErrors(string option, string key)
    {
        UserFacingException e = Assert.Throws<UserFacingException>(() =>
            FalconetCommands.Run(new RunRequest { Overrides = [option], DryRun = true }, new ConsoleStreams(TextWriter.Null, TextWriter.Null, Stream.Null), CancellationToken.None));
        Assert.Contains("configuration key " + key, e.Message, StringComparison.Ordinal);
    }

    private static List<long> EventBlockStarts(byte[] plain)
    {
        var starts = new List<long>();
        using ScapReader reader = new(new MemoryStream(plain), "plain");
        reader.ReadHeader(new ScapSnapshot());
        var evt = new Falconet.Core.Events.ScapEvent();
        long blockStart = reader.Position;
        while (reader.TryReadEvent(evt))
        {
            starts.Add(blockStart);
            blockStart = reader.Position;
        }
        return starts;
    }
}
