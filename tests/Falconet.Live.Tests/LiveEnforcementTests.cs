using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Falconet.Enforcement;
using Falconet.TestKit;

namespace Falconet.Live.Tests;

/// <summary>
/// Egress enforcement in the kernel (issue 15), for real: cgroup programs attached to a test cgroup v2 directory,
/// netprobe run inside it (and outside it) against the namespace's test hosts. Enforce rejects with EPERM, audit
/// lets through and alerts, names are admitted from the resolver's answer before the workload reads it, policy
/// swaps leave no gap, and the kill switch and a Falconet without pinned links leave nothing blocked.
/// </summary>
[Collection("live detection")]
public sealed partial class LiveEnforcementTests(TestNetwork network)
{
    private const int ServePort = 8081;
    private const string EnforcementRule = "Falconet egress enforcement";
    private const string OtherHost = TestNetwork.DnsServerIPv4; // in the namespace, in no allowed list below
    private static readonly TimeSpan s_pollLimit = TimeSpan.FromSeconds(30);
    private static readonly string s_servePort = ServePort.ToString(CultureInfo.InvariantCulture);

    /// <summary>Allowed: 198.51.100.10 by address, 198.51.100.20/31 (.20, .21) and 2001:db8::/32 by network.</summary>
    private static EgressPolicy AddressPolicy(params string[] extraAddresses) => new()
    {
        AllowedAddresses = [IPAddress.Parse(TestNetwork.PeerIPv4), .. extraAddresses.Select(IPAddress.Parse)],
        AllowedNetworks = [IPNetwork.Parse("198.51.100.20/31"), IPNetwork.Parse("2001:db8::/32")],
        NotOutboundNetworks = [IPNetwork.Parse("10.0.0.0/8")],
    };

    private void SkipUnlessLive() => Oracle.RequireNoReason(network.SkipReason);

    private static Enforcer StartEnforcer(EnforcementMode mode, TestCgroup cgroup, EgressPolicy policy, string? pinDirectory = null)
    {
        var options = new EnforcementOptions
        {
            Mode = mode,
            Cgroups = [cgroup.Path],
            PinLinks = pinDirectory is not null,
            PinDirectory = pinDirectory ?? EnforcementOptions.DefaultPinDirectory,
        };
        return Enforcer.Start(EnforcementSpec.Create(options, policy, cgroup.Mount, File.ReadAllText("/proc/self/cgroup")));
    }

    /// <summary>A TCP server in the namespace that accepts every connection (netprobe listen does not, and its backlog fills).</summary>
    private TestProcess StartServer()
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["netns", "exec", network.Namespace, network.NetProbe, "serve", s_servePort])
        {
            start.ArgumentList.Add(argument);
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start netprobe serve");
        string? line = process.StandardOutput.ReadLine();
        if (line != "ready")
        {
            process.Kill();
            Assert.Fail($"netprobe serve did not start: {line} {process.StandardError.ReadToEnd()}");
        }
        return new TestProcess(process);
    }

    private static void AssertSucceeds(CommandResult result, string what) =>
        Assert.True(result.ExitCode == 0, $"{what}: {result}");

    private static void AssertRejected(CommandResult result, string what)
    {
        Assert.True(result.ExitCode != 0, $"{what} succeeded: {result}");
        Assert.Contains("Operation not permitted", result.StandardError, StringComparison.Ordinal);
    }

    private static (int Connected, int Eperm, int Other) ParseLoop(CommandResult result)
    {
        Match m = LoopResult().Match(result.StandardOutput);
        Assert.True(m.Success, result.ToString());
        return (int.Parse(m.Groups["c"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["e"].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups["o"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"connected=(?<c>\d+) eperm=(?<e>\d+) other=(?<o>\d+)")]
    private static partial Regex LoopResult();

    [Fact]
    public void Enforce_allows_listed_addresses_and_networks_rejects_others_with_EPERM_and_leaves_other_cgroups_alone()
    {
        SkipUnlessLive();
        using var cgroup = new TestCgroup();
        using Enforcer enforcer = StartEnforcer(EnforcementMode.Enforce, cgroup, AddressPolicy());
        string port = TestNetwork.TcpPort.ToString(CultureInfo.InvariantCulture);
        string udpPort = TestNetwork.UdpPort.ToString(CultureInfo.InvariantCulture);

        foreach (string allowed in (string[])[TestNetwork.PeerIPv4, TestNetwork.AllowedHostIPv4, TestNetwork.OtherHostIPv4, TestNetwork.PeerIPv6])
        {
            AssertSucceeds(cgroup.Run(network.NetProbe, "tcp", allowed, port), $"TCP connect to allowed {allowed}");
            AssertSucceeds(cgroup.Run(network.NetProbe, "udp", allowed, udpPort), $"UDP send to allowed {allowed}");
        }
        AssertRejected(cgroup.Run(network.NetProbe, "tcp", OtherHost, port), $"TCP connect to {OtherHost}");
        AssertRejected(cgroup.Run(network.NetProbe, "udp", OtherHost, udpPort), $"UDP send to {OtherHost}");
        // a dual-stack socket's IPv4-mapped destination is decided as the IPv4 address
        AssertSucceeds(cgroup.Run(network.NetProbe, "tcp", "::ffff:" + TestNetwork.PeerIPv4, port), "TCP connect to an allowed IPv4-mapped address");
        AssertRejected(cgroup.Run(network.NetProbe, "tcp", "::ffff:" + OtherHost, port), "TCP connect to an unlisted IPv4-mapped address");
        // never decided: not outbound (private), loopback
        AssertSucceeds(cgroup.Run(network.NetProbe, "tcp", TestNetwork.PeerPrivate, port), "TCP connect to a private address");
        AssertSucceeds(cgroup.Run(network.NetProbe, "tcp", "127.0.0.1", network.LoopbackPort.ToString(CultureInfo.InvariantCulture)), "TCP connect to loopback");
        // outside the test cgroup nothing changes
        AssertSucceeds(HostTools.Run(network.NetProbe, "tcp", OtherHost, port), "TCP connect outside the cgroup");
        AssertSucceeds(HostTools.Run(network.NetProbe, "udp", OtherHost, udpPort), "UDP send outside the cgroup");

        EnforcementCounters counters = enforcer.ReadCounters();
        Assert.Equal(3UL, counters.Denied);
        Assert.Equal(0UL, counters.Audited);
        Assert.True(counters.Allowed >= 9, counters.ToString());
        Assert.True(counters.Exempt >= 2, counters.ToString());

        var reports = new List<EnforcementReport>();
        enforcer.Poll(reports.Add);
        ulong cgroupId = CgroupV2.Id(cgroup.Path);
        Assert.Contains(reports, r => r.Verdict == EnforcementMode.Enforce && r.Call == "connect" && r.Protocol == "tcp"
            && r.Address.ToString() == OtherHost && r.Port == TestNetwork.TcpPort && r.Command == "netprobe" && r.CgroupId == cgroupId);
        Assert.Contains(reports, r => r.Verdict == EnforcementMode.Enforce && r.Call == "sendmsg" && r.Protocol == "udp"
            && r.Address.ToString() == OtherHost && r.Port == TestNetwork.UdpPort);
        Assert.All(reports, r => Assert.Equal(OtherHost, r.Address.ToString()));
    }

    [Fact]
    public void Audit_through_falconet_lets_the_call_through_and_alerts_with_the_dedicated_rule()
    {
        SkipUnlessLive();
        using var cgroup = new TestCgroup();
        string appends = network.Scratch.File("enforcement-allow.yaml");
        File.WriteAllText(appends, """
            - list: allowed_outbound_destination_ipaddrs
              items: ['"198.51.100.10"']
              override:
                items: append
            - list: allowed_outbound_destination_networks
              items: ['"198.51.100.20/31"', '"2001:db8::/32"']
              override:
                items: append
            """);
        using LiveFalconet falconet = LiveFalconet.Start(["-r", "<builtin>", "-r", appends,
            "-o", "enforcement.mode=audit", "-o", $"enforcement.cgroups=[\"{cgroup.Path}\"]", .. s_metricsOptions]);
        string port = TestNetwork.TcpPort.ToString(CultureInfo.InvariantCulture);

        AssertSucceeds(cgroup.Run(network.NetProbe, "tcp", OtherHost, port), "audit: TCP connect to an unlisted address");
        AssertSucceeds(cgroup.Run(network.NetProbe, "udp", OtherHost, TestNetwork.UdpPort.ToString(CultureInfo.InvariantCulture)), "audit: UDP send to an unlisted address");
        AssertSucceeds(cgroup.Run(network.NetProbe, "tcp", TestNetwork.PeerIPv4, port), "audit: TCP connect to an allowed address");

        ReceivedAlert? tcp = falconet.WaitForAlert(a => a.Rule == EnforcementRule && a.Text("fd.sip") == OtherHost && a.Text("fd.l4proto") == "tcp", s_pollLimit);
        Assert.True(tcp is not null, $"no enforcement alert for the TCP connect; stderr: {falconet.StandardError}");
        Assert.Equal("audited", tcp.Text("enforcement.verdict"));
        Assert.Equal("netprobe", tcp.Text("proc.name"));
        Assert.Equal("Notice", tcp.Json.GetProperty("priority").GetString());
        Assert.NotNull(falconet.WaitForAlert(a => a.Rule == EnforcementRule && a.Text("fd.sip") == OtherHost && a.Text("fd.l4proto") == "udp", s_pollLimit));

        string metrics = ScrapeUntil(falconet, text => Metric(text, "falconet_enforcement_decisions_total{verdict=\"audited\"}") >= 2);
        Assert.Equal(2, Metric(metrics, "falconet_enforcement_decisions_total{verdict=\"audited\"}"));
        Assert.Equal(0, Metric(metrics, "falconet_enforcement_decisions_total{verdict=\"denied\"}"));
        Assert.True(Metric(metrics, "falconet_enforcement_decisions_total{verdict=\"allowed\"}") >= 1, metrics);
        Assert.Equal(1, Metric(metrics, "falconet_enforcement_mode_info{mode=\"audit\"}"));

        Assert.Equal(0, falconet.Stop());
        Assert.DoesNotContain(falconet.Alerts, a => a.Rule == EnforcementRule && a.Text("fd.sip") == TestNetwork.PeerIPv4);
        Match summary = Regex.Match(falconet.StandardError, @"Enforcement \(audit\): (\d+) allowed, (\d+) denied, (\d+) audited");
        Assert.True(summary.Success, falconet.StandardError);
        Assert.Equal("0", summary.Groups[2].Value);
        Assert.Equal("2", summary.Groups[3].Value);
    }

    [Fact]
    public void Names_are_admitted_from_the_answer_before_the_workload_reads_it()
    {
        SkipUnlessLive();
        using TestProcess dns = network.StartDnsServer(TestNetwork.DefaultDnsTable());
        using TestProcess server = StartServer();
        using var cgroup = new TestCgroup();
        var policy = new EgressPolicy
        {
            AllowedDomains = [Falconet.Dns.DomainPattern.Parse("*.allowed.test")],
            Resolvers = [IPAddress.Parse(TestNetwork.DnsServerIPv4)],
        };
        using Enforcer enforcer = StartEnforcer(EnforcementMode.Enforce, cgroup, policy);

        // Each step forgets every admitted address first, so each connect stands on its own answer alone.
        using Process stepped = cgroup.Start(network.NetProbe, "resolve-connect-stepped", TestNetwork.DnsServerIPv4, TestNetwork.AllowedName, s_servePort);
        try
        {
            Assert.Equal("ready", stepped.StandardOutput.ReadLine());
            var verdicts = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < 1000; i++)
            {
                enforcer.ForgetAdmitted();
                stepped.StandardInput.WriteLine("step");
                stepped.StandardInput.Flush();
                string verdict = stepped.StandardOutput.ReadLine() ?? "ended: " + stepped.StandardError.ReadToEnd();
                verdicts[verdict] = verdicts.GetValueOrDefault(verdict) + 1;
            }
            Assert.True(verdicts.GetValueOrDefault("connected") == 1000, "verdicts: " + string.Join(", ", verdicts.Select(kv => $"{kv.Key}={kv.Value}")));
        }
        finally
        {
            stepped.StandardInput.Close();
            stepped.WaitForExit(TimeSpan.FromSeconds(30));
        }

        CommandResult other = cgroup.Run(network.NetProbe, "resolve-connect-loop", TestNetwork.DnsServerIPv4, TestNetwork.OtherName, s_servePort, "1000");
        Assert.Contains("resolved=1000 ", other.StandardOutput, StringComparison.Ordinal);
        Assert.Equal((0, 1000, 0), ParseLoop(other));

        EnforcementCounters counters = enforcer.ReadCounters();
        Assert.True(counters.DnsAdmitted >= 1000, counters.ToString());
        Assert.True(counters.DnsAnswers >= 2000, counters.ToString());
        Assert.Equal(1000UL, counters.Denied);
    }

    [Theory]
    [InlineData(DnsClient.GlibcUdp)]
    [InlineData(DnsClient.GlibcTcp)]
    public void Names_resolved_by_glibc_over_udp_and_tcp_are_admitted(DnsClient client)
    {
        SkipUnlessLive();
        using TestProcess dns = network.StartDnsServer(TestNetwork.DefaultDnsTable());
        using TestProcess server = StartServer();
        using var cgroup = new TestCgroup();
        var policy = new EgressPolicy
        {
            AllowedDomains = [Falconet.Dns.DomainPattern.Parse("**.allowed.test")],
            Resolvers = [IPAddress.Parse(TestNetwork.DnsServerIPv4)],
        };
        using Enforcer enforcer = StartEnforcer(EnforcementMode.Enforce, cgroup, policy);
        string conf = client == DnsClient.GlibcTcp ? network.ResolvConfTcp : network.ResolvConf;

        CommandResult allowed = cgroup.Run(network.NetProbe, "--resolv", conf, "resolve-connect", TestNetwork.AllowedName, s_servePort);
        AssertSucceeds(allowed, $"{client}: connect to {TestNetwork.AllowedName}");
        Assert.Contains(" " + TestNetwork.AllowedHostIPv4 + " ", allowed.StandardOutput, StringComparison.Ordinal);
        AssertRejected(cgroup.Run(network.NetProbe, "--resolv", conf, "resolve-connect", TestNetwork.OtherName, s_servePort), $"{client}: connect to {TestNetwork.OtherName}");
        Assert.True(enforcer.ReadCounters().DnsAdmitted >= 1, enforcer.ReadCounters().ToString());
    }

    [Fact]
    public async Task Policy_swaps_leave_no_gap_and_the_new_policy_applies()
    {
        SkipUnlessLive();
        using TestProcess server = StartServer();
        using var cgroup = new TestCgroup();
        EgressPolicy a = AddressPolicy();
        EgressPolicy b = AddressPolicy(OtherHost);
        using Enforcer enforcer = StartEnforcer(EnforcementMode.Enforce, cgroup, a);

        Task<CommandResult> connects = Task.Run(() => cgroup.Run(network.NetProbe, "connect-loop", TestNetwork.PeerIPv4, s_servePort, "3000"), TestContext.Current.CancellationToken);
        int swaps = 0;
        var clock = Stopwatch.StartNew();
        while (!connects.IsCompleted && swaps < 10_000 && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            enforcer.UpdatePolicy(swaps % 2 == 0 ? b : a);
            swaps++;
        }
        (int connected, int eperm, int other) = ParseLoop(await connects);
        Assert.True(swaps >= 2, $"only {swaps} swaps happened during the connects");
        Assert.Equal((3000, 0, 0), (connected, eperm, other));

        enforcer.UpdatePolicy(b);
        AssertSucceeds(cgroup.Run(network.NetProbe, "tcp", OtherHost, s_servePort), "connect allowed by the new policy");
        enforcer.UpdatePolicy(a);
        AssertRejected(cgroup.Run(network.NetProbe, "tcp", OtherHost, s_servePort), "connect no longer allowed");
    }

    [Fact]
    public void Without_pinned_links_a_gone_falconet_blocks_nothing()
    {
        SkipUnlessLive();
        using TestProcess server = StartServer();
        using var cgroup = new TestCgroup();
        Enforcer enforcer = StartEnforcer(EnforcementMode.Enforce, cgroup, AddressPolicy());
        AssertRejected(cgroup.Run(network.NetProbe, "tcp", OtherHost, s_servePort), "enforced");
        enforcer.Dispose();
        AssertSucceeds(cgroup.Run(network.NetProbe, "tcp", OtherHost, s_servePort), "after the enforcer went");
    }

    [Fact]
    public void Kill_switch_detaches_pinned_links_and_those_of_a_running_enforcer()
    {
        SkipUnlessLive();
        using TestProcess server = StartServer();
        using var cgroup = new TestCgroup();
        string pins = "/sys/fs/bpf/falconet-test-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            Enforcer pinned = StartEnforcer(EnforcementMode.Enforce, cgroup, AddressPolicy(), pins);
            Assert.Equal(EnforcementSpec.Programs.Count, Directory.GetFiles(pins).Length);
            pinned.Dispose();
            AssertRejected(cgroup.Run(network.NetProbe, "tcp", OtherHost, s_servePort), "pinned links outlive the enforcer");
            Assert.Equal(EnforcementSpec.Programs.Count, EnforcementKillSwitch.Off(pins));
            Assert.Empty(Directory.GetFiles(pins));
            AssertSucceeds(cgroup.Run(network.NetProbe, "tcp", OtherHost, s_servePort), "after enforce off");

            // the command, as an operator runs it, against an enforcer that is still running
            using Enforcer running = StartEnforcer(EnforcementMode.Enforce, cgroup, AddressPolicy());
            AssertRejected(cgroup.Run(network.NetProbe, "tcp", OtherHost, s_servePort), "enforced by a running enforcer");
            CommandResult off = HostTools.Run("dotnet", Path.Combine(AppContext.BaseDirectory, "falconet.dll"), "enforce", "off");
            Assert.True(off.ExitCode == 0, off.ToString());
            Assert.Contains($"{EnforcementSpec.Programs.Count} cgroup program link(s) detached", off.StandardError, StringComparison.Ordinal);
            AssertSucceeds(cgroup.Run(network.NetProbe, "tcp", OtherHost, s_servePort), "after falconet enforce off, enforcer still running");
        }
        finally
        {
            EnforcementKillSwitch.Off(pins);
            if (Directory.Exists(pins))
            {
                Directory.Delete(pins);
            }
        }
    }

    [Fact]
    public void Connect_path_cost_from_the_kernel_run_statistics()
    {
        SkipUnlessLive();
        using TestProcess dns = network.StartDnsServer(TestNetwork.DefaultDnsTable());
        using TestProcess server = StartServer();
        using var cgroup = new TestCgroup();
        const string StatsSwitch = "/proc/sys/kernel/bpf_stats_enabled";
        string before = File.ReadAllText(StatsSwitch).Trim();
        File.WriteAllText(StatsSwitch, "1");
        try
        {
            // the allowed name's address (198.51.100.20) is in no list: its connects stand on the admission alone
            var policy = new EgressPolicy
            {
                AllowedAddresses = [IPAddress.Parse(TestNetwork.PeerIPv4)],
                AllowedNetworks = [IPNetwork.Parse(TestNetwork.OtherHostIPv4 + "/32"), IPNetwork.Parse("2001:db8::/32")],
                NotOutboundNetworks = [IPNetwork.Parse("10.0.0.0/8")],
                AllowedDomains = [Falconet.Dns.DomainPattern.Parse("*.allowed.test")],
                Resolvers = [IPAddress.Parse(TestNetwork.DnsServerIPv4)],
            };
            using Enforcer enforcer = StartEnforcer(EnforcementMode.Enforce, cgroup, policy);
            var phases = new List<string>();
            void Measure(string phase, Func<CommandResult> run, (int, int, int) expected)
            {
                IReadOnlyList<ProgramRunStats> start = enforcer.ReadProgramStats();
                Assert.Equal(expected, ParseLoop(run()));
                IReadOnlyList<ProgramRunStats> end = enforcer.ReadProgramStats();
                foreach (ProgramRunStats s in end)
                {
                    ProgramRunStats s0 = start.Single(x => x.Name == s.Name);
                    ulong runs = s.RunCount - s0.RunCount;
                    if (runs > 0)
                    {
                        phases.Add(string.Create(CultureInfo.InvariantCulture, $"{phase}: {s.Name} {runs} runs, {(s.RunTimeNs - s0.RunTimeNs) / (double)runs:F0} ns/run"));
                    }
                }
                Assert.True(end.Single(s => s.Name == "fnet_connect4").RunCount > start.Single(s => s.Name == "fnet_connect4").RunCount, phase);
            }
            Measure("allowed by exact address", () => cgroup.Run(network.NetProbe, "connect-loop", TestNetwork.PeerIPv4, s_servePort, "5000"), (5000, 0, 0));
            Measure("allowed by network", () => cgroup.Run(network.NetProbe, "connect-loop", TestNetwork.OtherHostIPv4, s_servePort, "5000"), (5000, 0, 0));
            Measure("denied (one report a second)", () => cgroup.Run(network.NetProbe, "connect-loop", OtherHost, s_servePort, "5000"), (0, 5000, 0));
            Measure("resolve then connect, admitted by name", () => cgroup.Run(network.NetProbe, "resolve-connect-loop", TestNetwork.DnsServerIPv4, TestNetwork.AllowedName, s_servePort, "1000"), (1000, 0, 0));
            foreach (string line in phases)
            {
                TestContext.Current.TestOutputHelper?.WriteLine(line);
            }
        }
        finally
        {
            File.WriteAllText(StatsSwitch, before);
        }
    }
}
