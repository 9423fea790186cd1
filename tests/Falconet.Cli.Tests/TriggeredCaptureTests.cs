using System.Text.Json;
using Falconet.TestKit;

namespace Falconet.Cli.Tests;

/// <summary>
/// Rule-triggered captures in a replay: a <c>capture: true</c> rule fires on curl_google's web connect; the file the
/// alert names exists, sysdig reads it, and it holds the window before the alert, the triggering event and the
/// duration after it.
/// </summary>
public sealed class TriggeredCaptureTests
{
    private const string Rules = """
        - rule: Capture the web connect
          desc: the connect to port 80
          condition: evt.type = connect and fd.sport = 80
          output: "connect %fd.name"
          priority: WARNING
          capture: true
          capture_duration: 2
        - rule: Not captured
          desc: a rule without capture
          condition: evt.type = sendto and fd.sport = 53
          output: "dns %fd.name"
          priority: NOTICE
        """;

    private static (ProcessResult Run, List<JsonElement> Alerts) Replay(TempDirectory temp, params string[] extra)
    {
        string rules = temp.File("capture_rules.yaml");
        File.WriteAllText(rules, Rules);
        ProcessResult run = FalconetProcess.Run(["-e", SharedData.Capture("curl_google"), "-r", rules, "-o", "json_output=true",
            "-o", "capture.enabled=true", "-o", $"capture.path_prefix={temp.File("falco")}", .. extra]);
        Assert.True(run.ExitCode == 0, run.ToString());
        List<JsonElement> alerts = [.. run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())];
        return (run, alerts);
    }

    [Fact]
    public void A_capture_rule_writes_the_events_around_its_alert_to_the_file_the_alert_names()
    {
        SharedData.SkipIfAbsent();
        SysdigTool.Require();
        using var temp = new TempDirectory();

        (ProcessResult run, List<JsonElement> alerts) = Replay(temp, "-o", "capture.window_before_ms=5");

        JsonElement alert = Assert.Single(alerts, a => a.GetProperty("rule").GetString() == "Capture the web connect");
        string file = alert.GetProperty("capture_file").GetString()!;
        ulong alertNs = alert.GetProperty("output_fields").GetProperty("evt.time").GetUInt64();
        // Named as Falco names them: prefix, event time in ns, event number.
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(temp.File("falco"))}_0{alertNs}_\\d{{20}}\\.scap$", file);
        Assert.True(File.Exists(file), run.ToString());
        // The rule without capture: true starts nothing and its alert names no file.
        JsonElement other = Assert.Single(alerts, a => a.GetProperty("rule").GetString() == "Not captured");
        Assert.False(other.TryGetProperty("capture_file", out _));
        Assert.Single(Directory.GetFiles(temp.Path, "falco_*.scap"));

        string[] events = SysdigTool.Read(file, "*%evt.rawtime %evt.type %evt.dir %proc.name %fd.name");
        ulong[] times = [.. events.Select(l => ulong.Parse(l.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))];
        // The triggering event, with its connection.
        Assert.Contains(events, l => l.StartsWith($"{alertNs} connect < curl ", StringComparison.Ordinal) && l.Contains(":80", StringComparison.Ordinal));
        // The window before it (5 ms), and the 2 ms after it, and nothing outside.
        Assert.Contains(times, t => t < alertNs);
        Assert.Contains(times, t => t > alertNs);
        Assert.All(times, t => Assert.InRange(t, alertNs - 5_000_000, alertNs + 2_000_000));
        // Falconet reads it too, with the process known from the state blocks.
        ProcessResult inspect = FalconetProcess.Run("inspect", file, "-p", "%proc.name %evt.type", "-f", "evt.type = connect");
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        Assert.Equal("curl connect", inspect.StandardOutput.Trim());
    }

    [Fact]
    public void All_rules_mode_captures_for_every_rule_and_the_size_limit_stops_with_an_internal_alert()
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();

        (ProcessResult run, List<JsonElement> alerts) = Replay(temp, "-o", "capture.mode=all_rules", "-o", "capture.default_duration=100000",
            "-o", "capture.max_file_size_mb=0.07");

        // The DNS sendto comes first: in all_rules mode it starts a capture; the size limit ends it with Falco's internal alert.
        JsonElement dns = alerts.First(a => a.GetProperty("rule").GetString() == "Not captured");
        string file = dns.GetProperty("capture_file").GetString()!;
        Assert.True(File.Exists(file));
        string[] limited = [.. alerts.Where(a => a.GetProperty("rule").GetString() == "Falco internal: capture size limit reached")
            .Select(a => a.GetProperty("output_fields").GetProperty("capture_file").GetString()!)];
        Assert.Contains(file, limited);
        Assert.InRange(new FileInfo(file).Length, 70_000, 70_000 + 65_600);
        // The web connect comes after the limit: a second capture, a second file.
        JsonElement web = alerts.First(a => a.GetProperty("rule").GetString() == "Capture the web connect");
        string second = web.GetProperty("capture_file").GetString()!;
        Assert.NotEqual(file, second);
        Assert.Equal([file, second], limited);
        Assert.Equal(2, Directory.GetFiles(temp.Path, "falco_*.scap").Length);
    }

    [Fact]
    public void A_bad_capture_mode_is_a_configuration_error()
    {
        SharedData.SkipIfAbsent();
        ProcessResult run = FalconetProcess.Run("-e", SharedData.Capture("curl_google"), "-o", "capture.enabled=true", "-o", "capture.mode=some");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("capture.mode", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
    }
}
