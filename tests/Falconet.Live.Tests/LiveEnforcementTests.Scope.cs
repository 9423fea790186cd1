using System.Globalization;
using System.Net;
using Falconet.Enforcement;

namespace Falconet.Live.Tests;

/// <summary>
/// The claims of docs/prevention.md about admitted addresses (per cgroup, at least dns_min_ttl_s, withdrawn with
/// their name, expired by the kernel itself, only from the resolvers' answers) and IPv6 decisions.
/// </summary>
public sealed partial class LiveEnforcementTests
{
    private static Enforcer StartEnforcer(EgressPolicy policy, TimeSpan dnsMinTtl, params TestCgroup[] cgroups)
    {
        var options = new EnforcementOptions
        {
            Mode = EnforcementMode.Enforce,
            Cgroups = [.. cgroups.Select(c => c.Path)],
            DnsMinTtl = dnsMinTtl,
        };
        return Enforcer.Start(EnforcementSpec.Create(options, policy, cgroups[0].Mount, File.ReadAllText("/proc/self/cgroup")));
    }

    private static EgressPolicy NamePolicy(bool withDomain = true, bool trustResolver = true) => new()
    {
        AllowedDomains = withDomain ? [Falconet.Dns.DomainPattern.Parse("*.allowed.test")] : [],
        // not a resolver: its port 53 is allowed as an address instead, so the lookup itself still goes through
        AllowedAddresses = trustResolver ? [] : [IPAddress.Parse(TestNetwork.DnsServerIPv4)],
        Resolvers = trustResolver ? [IPAddress.Parse(TestNetwork.DnsServerIPv4)] : [],
    };

    [Fact]
    public void Admitted_addresses_are_per_cgroup_last_the_minimum_ttl_go_with_their_name_and_come_only_from_resolvers()
    {
        SkipUnlessLive();
        // TTL 0: only dns_min_ttl_s keeps the address admitted after the answer
        using TestProcess dns = network.StartDnsServer(TestNetwork.DnsEntry(TestNetwork.AllowedName, TestNetwork.AllowedHostIPv4, 0));
        using TestProcess server = StartServer();
        using var a = new TestCgroup();
        using var b = new TestCgroup();
        string target = TestNetwork.AllowedHostIPv4; // in no list: reachable only as the allowed name's answer
        using (Enforcer enforcer = StartEnforcer(NamePolicy(), TimeSpan.FromSeconds(60), a, b))
        {
            AssertRejected(a.Run(network.NetProbe, "tcp", target, s_servePort), "before any answer");
            AssertSucceeds(a.Run(network.NetProbe, "goresolve-connect", TestNetwork.DnsServerIPv4, TestNetwork.AllowedName, s_servePort), "resolve and connect in cgroup A");
            AssertSucceeds(a.Run(network.NetProbe, "tcp", target, s_servePort), "a later connect in A, TTL 0 raised to the minimum");
            AssertRejected(b.Run(network.NetProbe, "tcp", target, s_servePort), "cgroup B, which received no answer");

            enforcer.UpdatePolicy(NamePolicy(withDomain: false));
            AssertRejected(a.Run(network.NetProbe, "tcp", target, s_servePort), "A after the name left the policy");

            enforcer.UpdatePolicy(NamePolicy(trustResolver: false));
            AssertRejected(a.Run(network.NetProbe, "goresolve-connect", TestNetwork.DnsServerIPv4, TestNetwork.AllowedName, s_servePort),
                "an answer from a server that is not a resolver");
            Assert.Equal(1UL, enforcer.ReadCounters().DnsAdmitted);
        }

        // Nobody ages the map here (no Falconet loop calls Maintain): the kernel itself checks the expiry.
        using Enforcer shortLived = StartEnforcer(NamePolicy(), TimeSpan.FromSeconds(1), a);
        AssertSucceeds(a.Run(network.NetProbe, "goresolve-connect", TestNetwork.DnsServerIPv4, TestNetwork.AllowedName, s_servePort), "resolve and connect, 1 s minimum");
        Thread.Sleep(TimeSpan.FromSeconds(3));
        AssertRejected(a.Run(network.NetProbe, "tcp", target, s_servePort), "3 s after an answer admitted for 1 s");
    }

    [Fact]
    public void IPv6_destinations_outside_the_policy_are_rejected_on_connect_and_send_and_reports_are_rate_limited()
    {
        SkipUnlessLive();
        using var cgroup = new TestCgroup();
        var policy = new EgressPolicy { AllowedAddresses = [IPAddress.Parse(TestNetwork.PeerIPv4)] };
        using Enforcer enforcer = StartEnforcer(policy, TimeSpan.FromSeconds(10), cgroup);
        string port = TestNetwork.TcpPort.ToString(CultureInfo.InvariantCulture);
        AssertRejected(cgroup.Run(network.NetProbe, "tcp", TestNetwork.PeerIPv6, port), "TCP connect to an unlisted IPv6 address");
        AssertRejected(cgroup.Run(network.NetProbe, "udp", TestNetwork.PeerIPv6, TestNetwork.UdpPort.ToString(CultureInfo.InvariantCulture)), "UDP send to an unlisted IPv6 address");
        AssertSucceeds(cgroup.Run(network.NetProbe, "tcp", TestNetwork.PeerIPv4, port), "TCP connect to the allowed IPv4 address");
        // 50 denials in a burst: counted one by one, reported at most once a second per destination and hook
        Assert.Equal((0, 50, 0), ParseLoop(cgroup.Run(network.NetProbe, "connect-loop", OtherHost, port, "50")));
        var reports = new List<EnforcementReport>();
        enforcer.Poll(reports.Add);
        Assert.Contains(reports, r => r.Call == "connect" && r.Address.ToString() == TestNetwork.PeerIPv6 && r.Verdict == EnforcementMode.Enforce);
        Assert.Contains(reports, r => r.Call == "sendmsg" && r.Address.ToString() == TestNetwork.PeerIPv6 && r.Protocol == "udp");
        int burst = reports.Count(r => r.Address.ToString() == OtherHost);
        Assert.True(burst >= 1 && burst < 50, $"{burst} reports for 50 denied connects");
        Assert.Equal(52UL, enforcer.ReadCounters().Denied);
    }
}
