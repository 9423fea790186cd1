using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Falconet.TestKit;

namespace Falconet.Live.Tests;

/// <summary>
/// Recording live: <c>falconet capture</c> records the end-to-end test's connects and sends while a live detection
/// runs; sysdig reads the recording, and replaying it gives the live run's flagship alerts. And a rule with
/// <c>capture: true</c> fires live and writes the events around its alert to the file the alert names.
/// </summary>
[Collection("live detection")]
public sealed class LiveRecordingTests(TestNetwork network)
{
    private const string FlagshipRule = LiveDetectionTests.FlagshipRule;
    private static readonly TimeSpan s_pollLimit = TimeSpan.FromSeconds(30);

    private string Probe(params string[] arguments)
    {
        HostTools.Check(network.NetProbe, arguments);
        return "netprobe " + string.Join(' ', arguments);
    }

    /// <summary>The flagship alerts of netprobe runs, as comparable text: the fields the live test checks.</summary>
    private static List<string> FlagshipOfProbes(IEnumerable<JsonElement> alerts) =>
    [
        .. alerts
            .Where(a => a.GetProperty("rule").GetString() == FlagshipRule)
            .Select(a => a.GetProperty("output_fields"))
            .Where(f => f.GetProperty("proc.cmdline").GetString()?.StartsWith("netprobe ", StringComparison.Ordinal) == true)
            .Select(f => string.Join(" | ", f.GetProperty("proc.cmdline"), f.GetProperty("fd.name"), f.GetProperty("user.name"),
                f.GetProperty("user.loginuid"), f.GetProperty("container.id")))
            .Order(StringComparer.Ordinal),
    ];

    private static List<JsonElement> Replay(string capture)
    {
        CommandResult run = HostTools.Run("dotnet", Path.Combine(AppContext.BaseDirectory, "falconet.dll"), "-e", capture,
            "-o", "json_output=true", "-o", "dns.mode=observed", "-o", $"dns.servers=[\"{TestNetwork.DnsServerIPv4}\"]");
        Assert.True(run.ExitCode == 0, run.ToString());
        return [.. run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    /// <summary>
    /// A process whose command line is longer than the 4,096 bytes a capture holds (CI runners have such), alive while
    /// a recording's snapshot is written: the file must cut it, like libscap's /proc scan, not fail.
    /// </summary>
    private sealed class LongCommandLine : IDisposable
    {
        private readonly Process _process;

        public LongCommandLine()
        {
            var start = new ProcessStartInfo("sh") { ArgumentList = { "-c", "sleep 60; :", "sh" } };
            for (int i = 0; i < 3000; i++)
            {
                start.ArgumentList.Add("long-argument-" + i.ToString(CultureInfo.InvariantCulture));
            }
            _process = Process.Start(start)!;
        }

        public void Dispose()
        {
            _process.Kill();
            _process.WaitForExit();
            _process.Dispose();
        }
    }

    [Fact]
    public void A_live_recording_reads_in_sysdig_and_replays_to_the_live_runs_flagship_alerts()
    {
        Oracle.RequireNoReason(network.SkipReason);
        SysdigTool.Require();
        string output = network.Scratch.File("live-" + Guid.NewGuid().ToString("N")[..8] + ".scap");
        using var longCommandLine = new LongCommandLine();
        using LiveFalconet detection = LiveFalconet.Start();
        using var recorder = Recorder.Start(output, "evt.type in (connect, sendto)");
        string[] runs =
        [
            Probe("tcp", TestNetwork.PeerIPv4, TestNetwork.TcpPort.ToString(CultureInfo.InvariantCulture)),
            Probe("udp", TestNetwork.PeerIPv4, TestNetwork.UdpPort.ToString(CultureInfo.InvariantCulture)),
            Probe("tcp", TestNetwork.PeerIPv6, TestNetwork.TcpPort.ToString(CultureInfo.InvariantCulture)),
            Probe("udp", TestNetwork.PeerIPv6, TestNetwork.UdpPort.ToString(CultureInfo.InvariantCulture)),
        ];
        foreach (string run in runs)
        {
            Assert.True(detection.WaitForAlert(a => a.Rule == FlagshipRule && a.Text("proc.cmdline") == run, s_pollLimit) is not null,
                $"no live alert for {run}: {detection.StandardError}");
        }
        // The recorder handles events in order too; a moment for the last ones to arrive, then SIGTERM.
        Thread.Sleep(1000);
        Assert.True(recorder.Stop() == 0, recorder.StandardError);
        Assert.Equal(0, detection.Stop());

        // sysdig 0.29.3 reads the file (current layouts, exit events only) and shows the probes' connects and sends.
        string[] lines = SysdigTool.Read(output, "*%proc.name %evt.type %evt.dir", "proc.name = netprobe");
        Assert.Contains("netprobe connect <", lines);
        Assert.Contains("netprobe sendto <", lines);
        // Replaying the recording gives the live run's flagship alerts for the probes.
        List<string> live = FlagshipOfProbes(detection.Alerts.Select(a => a.Json));
        List<string> replayed = FlagshipOfProbes(Replay(output));
        Assert.Equal(runs.Length, live.Count);
        Assert.Equal(live, replayed);
    }

    [Fact]
    public void A_capture_rule_fires_live_and_its_file_holds_the_triggering_event_and_the_window()
    {
        Oracle.RequireNoReason(network.SkipReason);
        SysdigTool.Require();
        string local = network.Scratch.File("capture_flagship.local.yaml");
        File.WriteAllText(local, """
            - rule: Unexpected outbound connection destination
              capture: true
              capture_duration: 300
              override:
                capture: replace
                capture_duration: replace
            """);
        string prefix = network.Scratch.File("falco-" + Guid.NewGuid().ToString("N")[..8]);
        using var longCommandLine = new LongCommandLine();
        using LiveFalconet falconet = LiveFalconet.Start("-r", "<builtin>", "-r", local,
            "-o", "capture.enabled=true", "-o", $"capture.path_prefix={prefix}", "-o", "capture.window_before_ms=2000");
        string run = Probe("tcp", TestNetwork.PeerIPv4, TestNetwork.TcpPort.ToString(CultureInfo.InvariantCulture));
        ReceivedAlert? alert = falconet.WaitForAlert(a => a.Rule == FlagshipRule && a.Text("proc.cmdline") == run, s_pollLimit);
        Assert.True(alert is not null, $"no alert for {run}: {falconet.StandardError}");
        Assert.Equal(0, falconet.Stop());

        string file = alert.Json.GetProperty("capture_file").GetString()!;
        Assert.StartsWith(prefix + "_", file, StringComparison.Ordinal);
        Assert.True(File.Exists(file), file);
        ulong alertNs = alert.Field("evt.time").GetUInt64();
        string[] lines = SysdigTool.Read(file, "*%evt.rawtime %proc.name %evt.type %evt.dir");
        // The triggering event, and the probe's own earlier events of the window (its socket call, its execve).
        Assert.True(lines.Contains($"{alertNs} netprobe connect <"),
            $"no connect at {alertNs} in {file}; netprobe's events: {string.Join("; ", lines.Where(l => l.Contains("netprobe", StringComparison.Ordinal)))}; "
            + $"{lines.Length} events from {lines.FirstOrDefault()} to {lines.LastOrDefault()}");
        Assert.Contains(lines, l => l.EndsWith(" netprobe socket <", StringComparison.Ordinal)
            && ulong.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture) < alertNs);
        // Falconet's replay of the file alerts again on the same connection.
        List<string> replayed = FlagshipOfProbes(Replay(file));
        Assert.Equal(FlagshipOfProbes([alert.Json]), replayed);
    }

    /// <summary><c>falconet capture</c> running live as a child process, stopped with SIGTERM.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Recorder(string output, string filter)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "falconet.dll"), "capture", "-w", output, "-M", "600", "-o", "dns.mode=observed",
                // A larger ring buffer (32 MiB) than the default: the shared test machine is busy, and a dropped connect would be missing from the file.
                "-o", "engine.modern_ebpf.buf_size_preset=6", filter })
            {
                start.ArgumentList.Add(a);
            }
            _process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    _ready.TrySetException(new InvalidOperationException("falconet capture ended before recording: " + StandardError));
                    return;
                }
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
                if (e.Data.StartsWith("falconet: recording ", StringComparison.Ordinal))
                {
                    _ready.TrySetResult();
                }
            };
            _process.BeginErrorReadLine();
            _process.StandardOutput.ReadToEndAsync();
        }

        public string StandardError
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public static Recorder Start(string output, string filter)
        {
            var recorder = new Recorder(output, filter);
            if (!recorder._ready.Task.Wait(TimeSpan.FromMinutes(3)))
            {
                recorder.Dispose();
                throw new TimeoutException("falconet capture did not start recording within 3 minutes: " + recorder.StandardError);
            }
            return recorder;
        }

        public int Stop()
        {
            HostTools.Run("kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture));
            if (!_process.WaitForExit(TimeSpan.FromMinutes(1)))
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException("falconet capture did not stop within a minute of SIGTERM");
            }
            _process.WaitForExit();
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(30));
            }
            _process.Dispose();
        }
    }
}
