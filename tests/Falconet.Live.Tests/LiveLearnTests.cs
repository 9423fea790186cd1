using System.Diagnostics;
using System.Globalization;
using System.Text;
using Falconet.TestKit;

namespace Falconet.Live.Tests;

/// <summary>
/// Learn mode live (issue 12): test processes reach three destinations in the test namespace, two of them by name
/// through the test DNS server; <c>falconet learn</c> captures meanwhile. Enforcing with the learned file, the
/// same traffic gives no alert and a fourth destination exactly one; learned with <c>--scope process</c>, the same
/// destination from another process alerts.
/// </summary>
[Collection("live detection")]
public sealed class LiveLearnTests(TestNetwork network)
{
    private const string FlagshipRule = LiveDetectionTests.FlagshipRule;
    private static readonly TimeSpan s_pollLimit = TimeSpan.FromSeconds(30);
    // 32 MiB: the machine is shared and busy, and a dropped connect would be a missing entry or a missing alert.
    private const string BiggerRingBuffer = "engine.modern_ebpf.buf_size_preset=6";
    private static readonly string s_port = TestNetwork.TcpPort.ToString(CultureInfo.InvariantCulture);

    private void ReachThreeDestinations(string netProbe)
    {
        HostTools.Check(netProbe, "--resolv", network.ResolvConf, "resolve-connect", TestNetwork.AllowedName, s_port);
        HostTools.Check(netProbe, "--resolv", network.ResolvConf, "resolve-connect", TestNetwork.OtherName, s_port);
        HostTools.Check(netProbe, "tcp", TestNetwork.PeerIPv4, s_port);
    }

    /// <summary>The server address of an alert's fd.name (client first: "A:P->S:P").</summary>
    private static string? ServerOf(ReceivedAlert alert)
    {
        string? name = alert.Text("fd.name");
        if (name is null || name.IndexOf("->", StringComparison.Ordinal) is not (>= 0 and var arrow))
        {
            return null;
        }
        string server = name[(arrow + 2)..];
        return server[..server.LastIndexOf(':')];
    }

    /// <summary>Flagship alerts for the test network's hosts (other processes on the machine may alert too).</summary>
    private static ReceivedAlert[] TestNetworkAlerts(LiveFalconet falconet) =>
        [.. falconet.Alerts.Where(a => a.Rule == FlagshipRule && ServerOf(a) is { } s
            && (s.StartsWith("198.51.100.", StringComparison.Ordinal) || s.StartsWith("2001:db8:", StringComparison.Ordinal)))];

    private static string Describe(LiveFalconet falconet, string learned) =>
        $"\n{falconet.CommandLine}\nAlerts:\n" + string.Join('\n', falconet.Alerts.Select(a => a.Line)) + "\nstderr:\n" + falconet.StandardError
        + "\nlearned file:\n" + File.ReadAllText(learned);

    [Fact]
    public void Learned_traffic_is_allowed_and_a_fourth_destination_alerts_once()
    {
        Oracle.RequireNoReason(network.SkipReason);
        using TestProcess dns = network.StartDnsServer(TestNetwork.DefaultDnsTable(ttlSeconds: 60));
        string learned = network.Scratch.File("learned-host.yaml");
        using (LiveLearner learner = LiveLearner.Start(learned))
        {
            ReachThreeDestinations(network.NetProbe);
            learner.Finish();
        }
        string text = File.ReadAllText(learned);
        Assert.Contains($"- \"{TestNetwork.AllowedName}\"", text, StringComparison.Ordinal);
        Assert.Contains($"- \"{TestNetwork.OtherName}\"", text, StringComparison.Ordinal);
        Assert.Contains($"- '\"{TestNetwork.PeerIPv4}\"'", text, StringComparison.Ordinal);

        using LiveFalconet falconet = LiveFalconet.Start("-r", "<builtin>", "-r", learned, "-o", BiggerRingBuffer);
        ReachThreeDestinations(network.NetProbe);
        HostTools.Check(network.NetProbe, "tcp", TestNetwork.PeerIPv6, s_port);
        // Events are handled in order: once the fourth connection's alert is out, the three were evaluated.
        ReceivedAlert? fourth = falconet.WaitForAlert(a => a.Rule == FlagshipRule && ServerOf(a) == TestNetwork.PeerIPv6, s_pollLimit);
        Assert.True(fourth is not null, "no alert for the fourth destination." + Describe(falconet, learned));
        Assert.Equal(0, falconet.Stop());
        ReceivedAlert[] alerts = TestNetworkAlerts(falconet);
        Assert.True(alerts.Length == 1 && ServerOf(alerts[0]) == TestNetwork.PeerIPv6,
            "expected exactly one alert, for the fourth destination." + Describe(falconet, learned));
    }

    [Fact]
    public void With_process_scope_the_same_destination_from_another_process_alerts()
    {
        Oracle.RequireNoReason(network.SkipReason);
        using TestProcess dns = network.StartDnsServer(TestNetwork.DefaultDnsTable(ttlSeconds: 60));
        string other = network.Scratch.File("otherprobe");
        // Another process name for the same program: a copy, mode kept.
        HostTools.Check("cp", "-p", network.NetProbe, other);
        string learned = network.Scratch.File("learned-process.yaml");
        using (LiveLearner learner = LiveLearner.Start(learned, "--scope", "process"))
        {
            ReachThreeDestinations(network.NetProbe);
            learner.Finish();
        }
        Assert.Contains($"['\"host\"', '\"netprobe\"', '\"{TestNetwork.PeerIPv4}\"', {s_port}]", File.ReadAllText(learned), StringComparison.Ordinal);

        using LiveFalconet falconet = LiveFalconet.Start("-r", "<builtin>", "-r", learned, "-o", BiggerRingBuffer);
        ReachThreeDestinations(network.NetProbe);
        HostTools.Check(other, "tcp", TestNetwork.PeerIPv4, s_port);
        ReceivedAlert? fromOther = falconet.WaitForAlert(a => a.Rule == FlagshipRule && ServerOf(a) == TestNetwork.PeerIPv4, s_pollLimit);
        Assert.True(fromOther is not null, "no alert for the other process." + Describe(falconet, learned));
        Assert.Equal(0, falconet.Stop());
        ReceivedAlert[] alerts = TestNetworkAlerts(falconet);
        Assert.True(alerts.Length == 1 && alerts[0].Text("proc.cmdline")!.StartsWith("otherprobe tcp", StringComparison.Ordinal),
            "expected exactly one alert, for the other process." + Describe(falconet, learned));
    }

    /// <summary>
    /// <c>falconet learn</c> running live as a child process, as a user runs it: ready once its capture is attached,
    /// finished by SIGTERM, after which it writes the file and exits 0.
    /// </summary>
    private sealed class LiveLearner : IDisposable
    {
        private const string ReadyMarker = "falconet: learn: live capture of ";
        private static readonly TimeSpan s_startLimit = TimeSpan.FromMinutes(3);
        private readonly Process _process;
        private readonly StringBuilder _stderr = new();
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task<string> _stdout;

        private LiveLearner(string output, string[] extra)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            string[] arguments =
            [
                Path.Combine(AppContext.BaseDirectory, "falconet.dll"), "learn", "-M", "600", "-w", output,
                "-o", "dns.mode=observed", "-o", $"dns.servers=[\"{TestNetwork.DnsServerIPv4}\"]", "-o", BiggerRingBuffer, .. extra,
            ];
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            _process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
            _stdout = _process.StandardOutput.ReadToEndAsync();
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    _ready.TrySetException(new InvalidOperationException("falconet learn ended before capturing: " + StandardError));
                    return;
                }
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
                if (e.Data.StartsWith(ReadyMarker, StringComparison.Ordinal))
                {
                    _ready.TrySetResult();
                }
            };
            _process.BeginErrorReadLine();
        }

        private string StandardError
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public static LiveLearner Start(string output, params string[] extra)
        {
            var learner = new LiveLearner(output, extra);
            try
            {
                if (!learner._ready.Task.Wait(s_startLimit))
                {
                    throw new TimeoutException($"falconet learn did not start capturing within {s_startLimit}: {learner.StandardError}");
                }
            }
            catch
            {
                learner.Dispose();
                throw;
            }
            return learner;
        }

        /// <summary>SIGTERM; the learner drains the ring buffer, writes the file and exits 0.</summary>
        public void Finish()
        {
            HostTools.Run("kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture));
            Assert.True(_process.WaitForExit(TimeSpan.FromMinutes(1)), "falconet learn did not stop within a minute of SIGTERM: " + StandardError);
            _process.WaitForExit();
            Assert.True(_process.ExitCode == 0, $"falconet learn exited {_process.ExitCode}: {StandardError}\n{_stdout.GetAwaiter().GetResult()}");
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
