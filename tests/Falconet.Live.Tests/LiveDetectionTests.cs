using Falconet.TestKit;
using System.Diagnostics;
using System.Globalization;

namespace Falconet.Live.Tests;

[CollectionDefinition("live detection", DisableParallelization = true)]
public sealed class LiveDetectionCollection : ICollectionFixture<TestNetwork>
{
}

/// <summary>What one netprobe run did: when it started, its command line and the local end it got.</summary>
public sealed record ProbeRun(long StartedAt, string CommandLine, string LocalIp, int LocalPort);

/// <summary>
/// Live detection end to end: the built command captures with eBPF and the built-in rules, test actions go to a
/// namespace test host, and the flagship alert must name the right process, connection, user and container.
/// </summary>
[Collection("live detection")]
public sealed class LiveDetectionTests(TestNetwork network)
{
    private const string FlagshipRule = "Unexpected outbound connection destination";
    private static readonly TimeSpan s_alertDeadline = TimeSpan.FromSeconds(2);
    // Generous: the machine is shared and busy; only the 2-second deadline is asserted, on the arrival times.
    private static readonly TimeSpan s_pollLimit = TimeSpan.FromSeconds(30);

    private void SkipUnlessLive()
    {
        Oracle.RequireNoReason(network.SkipReason);
    }

    private ProbeRun Probe(params string[] arguments)
    {
        long started = Stopwatch.GetTimestamp();
        string output = HostTools.Check(network.NetProbe, arguments).Trim();
        string[] local = output.Split(' ');
        Assert.True(local.Length == 2, $"netprobe {string.Join(' ', arguments)} printed '{output}'");
        return new ProbeRun(started, "netprobe " + string.Join(' ', arguments), local[0], int.Parse(local[1], CultureInfo.InvariantCulture));
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// fd.name as Falco prints it: client first; an unconnected UDP socket's unspecified local address is filled in
    /// from the interface on the destination's network, as libsinsp does.
    /// </summary>
    private static string ExpectedName(ProbeRun run, string peer, int port)
    {
        string local = run.LocalIp switch
        {
            "0.0.0.0" => TestNetwork.HostIPv4,
            "::" => TestNetwork.HostIPv6,
            _ => run.LocalIp,
        };
        return $"{local}:{run.LocalPort}->{peer}:{port}";
    }

    private static void AssertFlagshipAlert(LiveFalconet falconet, ProbeRun run, string expectedName)
    {
        ReceivedAlert? alert = falconet.WaitForAlert(a => a.Rule == FlagshipRule && a.Text("fd.name") == expectedName, s_pollLimit);
        Assert.True(alert is not null,
            $"no '{FlagshipRule}' alert for {run.CommandLine} (fd.name {expectedName}) within {s_pollLimit}.\nAlerts:\n"
            + string.Join('\n', falconet.Alerts.Select(a => a.Line)) + "\nstderr:\n" + falconet.StandardError);
        Assert.Equal(run.CommandLine, alert.Text("proc.cmdline"));
        Assert.Equal("root", alert.Text("user.name"));
        Assert.Equal(HostTools.OwnLoginUid(), alert.Field("user.loginuid").GetInt64());
        Assert.Equal("host", alert.Text("container.id"));
        TimeSpan latency = Stopwatch.GetElapsedTime(run.StartedAt, alert.ReceivedAt);
        Assert.True(latency <= s_alertDeadline, $"the alert for {run.CommandLine} came {latency.TotalMilliseconds:F0} ms after the action (limit {s_alertDeadline.TotalMilliseconds} ms)");
    }

    private static void AssertNoAlertFor(LiveFalconet falconet, IEnumerable<ProbeRun> runs)
    {
        foreach (ProbeRun run in runs)
        {
            ReceivedAlert? unexpected = falconet.Alerts.FirstOrDefault(a => a.Text("proc.cmdline") == run.CommandLine);
            Assert.True(unexpected is null, $"unexpected alert for {run.CommandLine}: {unexpected?.Line}");
        }
    }

    [Fact]
    public void Tcp_connect_and_udp_sendto_to_the_test_host_alert_within_two_seconds()
    {
        SkipUnlessLive();
        using LiveFalconet falconet = LiveFalconet.Start();
        var cases = new (string Proto, string Peer, int Port)[]
        {
            ("tcp", TestNetwork.PeerIPv4, TestNetwork.TcpPort),
            ("udp", TestNetwork.PeerIPv4, TestNetwork.UdpPort),
            ("tcp", TestNetwork.PeerIPv6, TestNetwork.TcpPort),
            ("udp", TestNetwork.PeerIPv6, TestNetwork.UdpPort),
        };
        foreach ((string proto, string peer, int port) in cases)
        {
            ProbeRun run = Probe(proto, peer, Port(port));
            AssertFlagshipAlert(falconet, run, ExpectedName(run, peer, port));
        }
        Assert.Equal(0, falconet.Stop());
    }

    [Fact]
    public void Loopback_and_private_destinations_do_not_alert()
    {
        SkipUnlessLive();
        using LiveFalconet falconet = LiveFalconet.Start();
        ProbeRun[] quiet =
        [
            Probe("tcp", "127.0.0.1", Port(network.LoopbackPort)),
            Probe("udp", "127.0.0.1", Port(TestNetwork.UdpPort)),
            Probe("tcp", TestNetwork.PeerPrivate, Port(TestNetwork.TcpPort)),
            Probe("udp", TestNetwork.PeerPrivate, Port(TestNetwork.UdpPort)),
        ];
        // Events are handled in order: once the alert of a later action is out, the earlier ones were evaluated.
        ProbeRun sentinel = Probe("tcp", TestNetwork.PeerIPv4, Port(TestNetwork.TcpPort));
        AssertFlagshipAlert(falconet, sentinel, ExpectedName(sentinel, TestNetwork.PeerIPv4, TestNetwork.TcpPort));
        AssertNoAlertFor(falconet, quiet);
        Assert.Equal(0, falconet.Stop());
        AssertNoAlertFor(falconet, quiet);
    }

    [Fact]
    public void A_local_rules_file_after_the_builtin_rules_allows_the_test_network()
    {
        SkipUnlessLive();
        string local = network.Scratch.File("allow_test_network.local.yaml");
        File.WriteAllText(local, """
            - list: allowed_outbound_destination_networks
              items: ['"198.51.100.0/24"']
              override:
                items: append
            """);
        using LiveFalconet falconet = LiveFalconet.Start("-r", "<builtin>", "-r", local);
        ProbeRun[] allowed =
        [
            Probe("tcp", TestNetwork.PeerIPv4, Port(TestNetwork.TcpPort)),
            Probe("udp", TestNetwork.PeerIPv4, Port(TestNetwork.UdpPort)),
        ];
        // IPv6 is not in the appended network, so it still alerts, and proves the IPv4 events were evaluated.
        ProbeRun sentinel = Probe("tcp", TestNetwork.PeerIPv6, Port(TestNetwork.TcpPort));
        AssertFlagshipAlert(falconet, sentinel, ExpectedName(sentinel, TestNetwork.PeerIPv6, TestNetwork.TcpPort));
        AssertNoAlertFor(falconet, allowed);
        Assert.Equal(0, falconet.Stop());
        AssertNoAlertFor(falconet, allowed);
    }

    [Fact]
    public void A_process_started_before_falconet_is_attributed_from_the_proc_snapshot()
    {
        SkipUnlessLive();
        string local = network.Scratch.File("output_with_process.local.yaml");
        File.WriteAllText(local, """
            - rule: Unexpected outbound connection destination
              output: process=%proc.name parent=%proc.pname
              override:
                output: append
            """);
        string trigger = network.Scratch.File("trigger-" + Guid.NewGuid().ToString("N")[..8]);
        string[] arguments = ["--wait", trigger, "tcp", TestNetwork.PeerIPv4, Port(TestNetwork.TcpPort)];
        var start = new ProcessStartInfo(network.NetProbe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process early = Process.Start(start) ?? throw new InvalidOperationException("could not start netprobe");
        try
        {
            using LiveFalconet falconet = LiveFalconet.Start("-r", "<builtin>", "-r", local);
            long started = Stopwatch.GetTimestamp();
            File.WriteAllText(trigger, "");
            string output = early.StandardOutput.ReadToEnd().Trim();
            Assert.True(early.WaitForExit(TimeSpan.FromSeconds(30)), "netprobe --wait did not finish");
            Assert.True(early.ExitCode == 0, $"netprobe failed: {early.StandardError.ReadToEnd()}");
            string[] localEnd = output.Split(' ');
            var run = new ProbeRun(started, "netprobe " + string.Join(' ', arguments), localEnd[0], int.Parse(localEnd[1], CultureInfo.InvariantCulture));
            string expectedName = ExpectedName(run, TestNetwork.PeerIPv4, TestNetwork.TcpPort);
            AssertFlagshipAlert(falconet, run, expectedName);
            ReceivedAlert alert = falconet.Alerts.First(a => a.Text("fd.name") == expectedName);
            Assert.Equal("netprobe", alert.Text("proc.name"));
            Assert.Equal(File.ReadAllText("/proc/self/comm").Trim(), alert.Text("proc.pname"));
            Assert.Equal(0, falconet.Stop());
        }
        finally
        {
            if (!early.HasExited)
            {
                early.Kill();
            }
        }
    }
}
