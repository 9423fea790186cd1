using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Falconet.TestKit;

namespace Falconet.Live.Tests;

/// <summary>
/// Enforcement driven by a running Falconet: the policy follows a rules reload (SIGHUP) while a workload connects
/// without a pause, the decisions are counted in <c>/metrics</c>, and an exception the kernel cannot decide is
/// warned about and not applied in enforce mode.
/// </summary>
public sealed partial class LiveEnforcementTests
{
    private const string PolicyUpdated = "falconet: enforcement: policy updated from the reloaded rules";
    private static readonly string[] s_metricsOptions = ["-o", "metrics.enabled=true", "-o", "webserver.prometheus_metrics_enabled=true"];

    /// <summary>
    /// The appended lists of one rules version: <paramref name="addresses"/> allowed by address, 2001:db8::/32 by
    /// network, <paramref name="domains"/> by name, and a tuple exception (process and destination) for the unlisted
    /// host, which the kernel cannot decide.
    /// </summary>
    private static string AllowRules(string[] addresses, string[] domains)
    {
        static string Quoted(IEnumerable<string> items) => string.Join(", ", items.Select(i => $"'\"{i}\"'"));
        string text = $"""
            - list: allowed_outbound_destination_ipaddrs
              items: [{Quoted(addresses)}]
              override:
                items: append
            - list: allowed_outbound_destination_networks
              items: ['"2001:db8::/32"']
              override:
                items: append
            - rule: Unexpected outbound connection destination
              exceptions:
                - name: trusted_probe
                  fields: [proc.name, fd.sip]
                  values: [[netprobe, "{OtherHost}"]]
              override:
                exceptions: append

            """;
        if (domains.Length > 0)
        {
            text += $"""
                - list: allowed_outbound_destination_domains
                  items: [{string.Join(", ", domains)}]
                  override:
                    items: append

                """;
        }
        return text;
    }

    private static int Count(string text, string line) => Regex.Count(text, "^" + Regex.Escape(line) + "$", RegexOptions.Multiline);

    /// <summary>Waits until Falconet has logged <paramref name="updates"/> policy updates (a rejected reload fails at once).</summary>
    private static void WaitForPolicyUpdates(LiveFalconet falconet, int updates)
    {
        var clock = Stopwatch.StartNew();
        while (Count(falconet.StandardError, PolicyUpdated) < updates && clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            string log = falconet.StandardError;
            Assert.DoesNotContain("rejected, the running rules stay", log, StringComparison.Ordinal);
            Assert.DoesNotContain("the reloaded rules' policy was not applied", log, StringComparison.Ordinal);
            Thread.Sleep(50);
        }
        Assert.True(Count(falconet.StandardError, PolicyUpdated) == updates, $"expected {updates} policy updates: {falconet.StandardError}");
    }

    /// <summary>The value of one sample (<c>name{labels}</c> as exposed) of Falconet's <c>/metrics</c>, or null.</summary>
    private static double? Metric(string exposition, string sample)
    {
        foreach (string line in exposition.Split('\n'))
        {
            if (line.StartsWith(sample + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(sample.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }
        return null;
    }

    private static Uri MetricsAddress(LiveFalconet falconet)
    {
        Match m = Regex.Match(falconet.StandardError, @"web server listening on (?<uri>http://\S+?)/? \(");
        Assert.True(m.Success, "no web server line: " + falconet.StandardError);
        return new Uri(m.Groups["uri"].Value.TrimEnd('/') + "/metrics");
    }

    /// <summary>Scrapes /metrics until <paramref name="done"/> holds (the event loop copies the counters every turn), up to 30 s.</summary>
    private static string ScrapeUntil(LiveFalconet falconet, Func<string, bool> done)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Uri address = MetricsAddress(falconet);
        var clock = Stopwatch.StartNew();
        string text;
        do
        {
            text = http.GetStringAsync(address, TestContext.Current.CancellationToken).GetAwaiter().GetResult();
            if (done(text))
            {
                break;
            }
            Thread.Sleep(100);
        }
        while (clock.Elapsed < s_pollLimit);
        return text;
    }

    private static string LoopEnd(Process loop) =>
        $"exit {loop.ExitCode}; stdout: {loop.StandardOutput.ReadToEnd().Trim()}; stderr: {loop.StandardError.ReadToEnd().Trim()}";

    [Fact]
    public void Policy_follows_rules_reloads_without_a_gap_and_decisions_are_in_metrics()
    {
        SkipUnlessLive();
        using TestProcess server = StartServer();
        using var cgroup = new TestCgroup();
        string rules = network.Scratch.File("enforcement-reload.yaml");
        // v1: .10 and .21 allowed; v2: the same addresses, a domain added; v3: .21 removed, .20 added.
        string v1 = AllowRules([TestNetwork.PeerIPv4, TestNetwork.OtherHostIPv4], []);
        string v2 = AllowRules([TestNetwork.PeerIPv4, TestNetwork.OtherHostIPv4], ["\"*.allowed.test\""]);
        string v3 = AllowRules([TestNetwork.PeerIPv4, TestNetwork.AllowedHostIPv4], []);
        File.WriteAllText(rules, v1);
        using LiveFalconet falconet = LiveFalconet.Start(["-r", "<builtin>", "-r", rules,
            "-o", "enforcement.mode=enforce", "-o", $"enforcement.cgroups=[\"{cgroup.Path}\"]", .. s_metricsOptions]);
        string log = falconet.StandardError;
        Assert.Contains("exception 'trusted_probe'", log, StringComparison.Ordinal);
        Assert.Contains("cannot be decided in the kernel: it applies to alerts only; in enforce mode what it excepts is blocked", log, StringComparison.Ordinal);

        int denied = 0;
        void Expect(string address, bool allowed, string when)
        {
            CommandResult result = cgroup.Run(network.NetProbe, "tcp", address, s_servePort);
            if (allowed)
            {
                AssertSucceeds(result, $"{when}: connect to {address}");
            }
            else
            {
                AssertRejected(result, $"{when}: connect to {address}");
                denied++;
            }
        }
        // the audit-only exception (netprobe to the unlisted host) is not applied in the kernel
        Expect(OtherHost, allowed: false, "v1, excepted for netprobe in the rule only");
        Expect(TestNetwork.OtherHostIPv4, allowed: true, "v1");
        Expect(TestNetwork.AllowedHostIPv4, allowed: false, "v1");

        // One process connects to the address every version allows, one connect after the other, across all reloads.
        string stop = network.Scratch.File("enforcement-reload.stop");
        using Process loop = cgroup.Start(network.NetProbe, "connect-until", stop, TestNetwork.PeerIPv4, s_servePort, "1000000");
        string? loopOutput = null;
        try
        {
            Assert.Equal("running", loop.StandardOutput.ReadLine());
            (string Rules, bool OtherAllowed)[] versions = [(v2, true), (v3, false), (v2, true), (v3, false)];
            for (int i = 0; i < versions.Length; i++)
            {
                File.WriteAllText(rules, versions[i].Rules);
                falconet.Reload();
                WaitForPolicyUpdates(falconet, i + 1);
                if (loop.HasExited)
                {
                    Assert.Fail($"the connect loop ended before reload {i + 1} was checked: {LoopEnd(loop)}");
                }
                string when = $"after reload {i + 1}";
                Expect(TestNetwork.PeerIPv4, allowed: true, when);
                Expect(TestNetwork.OtherHostIPv4, versions[i].OtherAllowed, when);
                Expect(TestNetwork.AllowedHostIPv4, !versions[i].OtherAllowed, when);
            }
            if (loop.HasExited)
            {
                Assert.Fail("the connect loop ended before the last reload was checked: " + LoopEnd(loop));
            }
        }
        finally
        {
            File.WriteAllText(stop, "");
            loopOutput = loop.StandardOutput.ReadToEnd();
            loop.WaitForExit(TimeSpan.FromSeconds(30));
        }
        (int connected, int eperm, int other) = ParseLoop(new CommandResult(0, loopOutput, ""));
        Assert.True(connected > 0 && eperm == 0 && other == 0, $"loop across 4 reloads: connected={connected} eperm={eperm} other={other}");
        Assert.Equal(6, denied);
        TestContext.Current.TestOutputHelper?.WriteLine($"connects across 4 reloads: {connected}, none denied");

        // /metrics: every denial above and nothing else; the loop's connects among the allowed ones
        string metrics = ScrapeUntil(falconet, text => Metric(text, "falconet_enforcement_decisions_total{verdict=\"denied\"}") >= denied);
        Assert.Equal(denied, Metric(metrics, "falconet_enforcement_decisions_total{verdict=\"denied\"}"));
        Assert.Equal(0, Metric(metrics, "falconet_enforcement_decisions_total{verdict=\"audited\"}"));
        Assert.True(Metric(metrics, "falconet_enforcement_decisions_total{verdict=\"allowed\"}") >= connected + 9, metrics);
        Assert.Equal(1, Metric(metrics, "falconet_enforcement_mode_info{mode=\"enforce\"}"));
        Assert.Equal(4, Metric(metrics, "falconet_rules_reloads_total"));

        Assert.Equal(0, falconet.Stop());
        Match summary = Regex.Match(falconet.StandardError, @"Enforcement \(enforce\): (\d+) allowed, (\d+) denied, (\d+) audited");
        Assert.True(summary.Success, falconet.StandardError);
        Assert.Equal(denied.ToString(CultureInfo.InvariantCulture), summary.Groups[2].Value);
        ReceivedAlert? blocked = falconet.Alerts.FirstOrDefault(a => a.Rule == EnforcementRule && a.Text("fd.sip") == TestNetwork.AllowedHostIPv4);
        Assert.True(blocked is not null, "no enforcement alert for a denied connect: " + falconet.StandardError);
        Assert.Equal("denied", blocked.Text("enforcement.verdict"));
        Assert.Equal("Warning", blocked.Json.GetProperty("priority").GetString());
        Assert.DoesNotContain(falconet.Alerts, a => a.Rule == EnforcementRule && a.Text("fd.sip") == TestNetwork.PeerIPv4);
    }
}
