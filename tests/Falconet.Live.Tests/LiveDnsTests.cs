using Falconet.TestKit;
using System.Diagnostics;
using System.Globalization;

namespace Falconet.Live.Tests;

/// <summary>How a netprobe run looks a name up.</summary>
public enum DnsClient
{
    /// <summary>glibc getaddrinfo over UDP (its default).</summary>
    GlibcUdp,

    /// <summary>glibc getaddrinfo over TCP (<c>options use-vc</c>): length-prefixed answers read with read().</summary>
    GlibcTcp,

    /// <summary>Go's pure resolver: a connected UDP socket, write() and read().</summary>
    Go,
}

/// <summary>One netprobe connection: when it started, its command line, and both ends as the kernel saw them.</summary>
public sealed record ConnectionRun(long StartedAt, string CommandLine, string LocalIp, int LocalPort, string PeerIp, int PeerPort)
{
    /// <summary>fd.name as Falco prints a connected TCP socket: client first.</summary>
    public string FdName => $"{LocalIp}:{LocalPort}->{PeerIp}:{PeerPort}";
}

/// <summary>
/// Domain allow-lists live (issue 8): a DNS server in the test namespace answers <c>api.allowed.test</c> →
/// 198.51.100.20 and <c>other.test</c> → 198.51.100.21; netprobe resolves them as real workloads do (glibc over
/// UDP and TCP, Go's connected-UDP read()) and connects. With <c>*.allowed.test</c> allowed, only .21 alerts,
/// and <c>%fd.sip.name</c> prints the name the workload resolved. The resolver mode gives the same verdict for
/// connections made by address, and a name that moves to a new address keeps the old one allowed only while
/// a connection to it is open.
/// </summary>
[Collection("live detection")]
public sealed class LiveDnsTests(TestNetwork network)
{
    private const string FlagshipRule = LiveDetectionTests.FlagshipRule;
    // Generous: the machine is shared and busy. Nothing here is timed; this only bounds a wait for an alert.
    private static readonly TimeSpan s_pollLimit = TimeSpan.FromSeconds(30);
    private static readonly string s_port = TestNetwork.TcpPort.ToString(CultureInfo.InvariantCulture);

    private void SkipUnlessLive() => Oracle.RequireNoReason(network.SkipReason);

    private string[] ResolveArguments(DnsClient client, string name) => client switch
    {
        DnsClient.GlibcUdp => ["--resolv", network.ResolvConf, "resolve-connect", name, s_port],
        DnsClient.GlibcTcp => ["--resolv", network.ResolvConfTcp, "resolve-connect", name, s_port],
        DnsClient.Go => ["goresolve-connect", TestNetwork.DnsServerIPv4, name, s_port],
        _ => throw new ArgumentOutOfRangeException(nameof(client)),
    };

    /// <summary>Runs netprobe to its end; a lookup or a connection that fails fails the test, with netprobe's message.</summary>
    private ConnectionRun Connect(params string[] arguments)
    {
        long started = Stopwatch.GetTimestamp();
        string output = HostTools.Check(network.NetProbe, arguments).Trim();
        return ParseRun(started, arguments, output);
    }

    private ConnectionRun Resolve(DnsClient client, string name) => Connect(ResolveArguments(client, name));

    /// <summary>netprobe tcp ADDR PORT: by address, no lookup.</summary>
    private ConnectionRun ConnectByAddress(string address) => Connect("tcp", address, s_port);

    /// <summary>
    /// The resolve modes print "LOCALIP LOCALPORT PEERIP PEERPORT"; tcp prints the local end only, and its peer is
    /// the address it was given.
    /// </summary>
    private static ConnectionRun ParseRun(long started, string[] arguments, string output)
    {
        string[] parts = output.Split(' ');
        string commandLine = "netprobe " + string.Join(' ', arguments);
        if (parts.Length == 2 && arguments[0] == "tcp")
        {
            parts = [parts[0], parts[1], arguments[1], arguments[2]];
        }
        Assert.True(parts.Length == 4, $"{commandLine} printed '{output}'");
        return new ConnectionRun(started, commandLine, parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture),
            parts[2], int.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    /// <summary>The flagship alerts for connections to <paramref name="address"/> on the test port, any local end.</summary>
    private static ReceivedAlert[] FlagshipAlertsTo(LiveFalconet falconet, string address) =>
        falconet.Alerts.Where(a => a.Rule == FlagshipRule
            && (a.Text("fd.name")?.EndsWith($"->{address}:{TestNetwork.TcpPort}", StringComparison.Ordinal) ?? false)).ToArray();

    private static string Describe(LiveFalconet falconet) =>
        $"\n{falconet.CommandLine}\nAlerts:\n" + string.Join('\n', falconet.Alerts.Select(a => a.Line)) + "\nstderr:\n" + falconet.StandardError;

    private static ReceivedAlert AwaitFlagshipAlert(LiveFalconet falconet, ConnectionRun run)
    {
        ReceivedAlert? alert = falconet.WaitForAlert(a => a.Rule == FlagshipRule && a.Text("fd.name") == run.FdName, s_pollLimit);
        Assert.True(alert is not null, $"no '{FlagshipRule}' alert for {run.CommandLine} (fd.name {run.FdName}) within {s_pollLimit}." + Describe(falconet));
        Assert.Equal(run.CommandLine, alert.Text("proc.cmdline"));
        return alert;
    }

    /// <summary>Exactly the one alert of <paramref name="alerted"/> for its address, and none for <paramref name="allowed"/>'s.</summary>
    private static void AssertOnlyAlert(LiveFalconet falconet, ConnectionRun alerted, string allowedAddress)
    {
        ReceivedAlert[] toAlerted = FlagshipAlertsTo(falconet, alerted.PeerIp);
        Assert.True(toAlerted.Length == 1 && toAlerted[0].Text("fd.name") == alerted.FdName,
            $"expected exactly one '{FlagshipRule}' alert for {alerted.PeerIp}, the one of {alerted.CommandLine}." + Describe(falconet));
        ReceivedAlert[] toAllowed = FlagshipAlertsTo(falconet, allowedAddress);
        Assert.True(toAllowed.Length == 0, $"expected no '{FlagshipRule}' alert for {allowedAddress}, the allowed destination." + Describe(falconet));
    }

    /// <summary>
    /// A local rules file after the built-in rules: <paramref name="domains"/> appended to the domain allow-list, and
    /// the flagship output extended with the destination's name.
    /// </summary>
    private string AllowDomains(string fileName, params string[] domains)
    {
        string local = network.Scratch.File(fileName);
        File.WriteAllText(local, $"""
            - list: allowed_outbound_destination_domains
              items: [{string.Join(", ", domains.Select(d => "'" + d + "'"))}]
              override:
                items: append

            - rule: {FlagshipRule}
              output: server_name=%fd.sip.name
              override:
                output: append
            """);
        return local;
    }

    [Theory]
    [InlineData(DnsClient.GlibcUdp)]
    [InlineData(DnsClient.GlibcTcp)]
    [InlineData(DnsClient.Go)]
    public void The_dns_server_answers_both_names_and_an_unknown_name_is_nxdomain(DnsClient client)
    {
        SkipUnlessLive();
        string before = File.ReadAllText("/etc/resolv.conf");
        using TestProcess dns = network.StartDnsServer(TestNetwork.DefaultDnsTable());
        ConnectionRun allowed = Resolve(client, TestNetwork.AllowedName);
        ConnectionRun other = Resolve(client, TestNetwork.OtherName);
        Assert.Equal((TestNetwork.AllowedHostIPv4, TestNetwork.TcpPort), (allowed.PeerIp, allowed.PeerPort));
        Assert.Equal((TestNetwork.OtherHostIPv4, TestNetwork.TcpPort), (other.PeerIp, other.PeerPort));
        Assert.Equal(TestNetwork.HostIPv4, allowed.LocalIp);
        CommandResult unknown = HostTools.Run(network.NetProbe, ResolveArguments(client, "unknown.allowed.test"));
        Assert.True(unknown.ExitCode != 0, $"a name outside the table resolved: {unknown}");
        Assert.True(unknown.StandardError.Contains(client == DnsClient.Go ? "rcode 3" : "Name or service not known", StringComparison.Ordinal),
            $"expected NXDOMAIN for a name outside the table: {unknown}");
        // --resolv bind-mounts in a mount namespace of netprobe's own; the machine's file is as it was.
        Assert.Equal(before, File.ReadAllText("/etc/resolv.conf"));
    }

    [Theory]
    [InlineData(DnsClient.GlibcUdp)]
    [InlineData(DnsClient.GlibcTcp)]
    [InlineData(DnsClient.Go)]
    public void Observed_answers_allow_a_wildcard_domain_and_name_the_other_destination(DnsClient client)
    {
        SkipUnlessLive();
        using TestProcess dns = network.StartDnsServer(TestNetwork.DefaultDnsTable());
        string local = AllowDomains("allow_wildcard_domain.local.yaml", "*.allowed.test");
        using LiveFalconet falconet = LiveFalconet.Start("-r", "<builtin>", "-r", local);
        ConnectionRun allowed = Resolve(client, TestNetwork.AllowedName);
        Assert.Equal(TestNetwork.AllowedHostIPv4, allowed.PeerIp);
        ConnectionRun other = Resolve(client, TestNetwork.OtherName);
        Assert.Equal(TestNetwork.OtherHostIPv4, other.PeerIp);
        // Events are handled in order: once the later connection's alert is out, the allowed one was evaluated.
        ReceivedAlert alert = AwaitFlagshipAlert(falconet, other);
        AssertOnlyAlert(falconet, other, TestNetwork.AllowedHostIPv4);
        Assert.True(alert.Text("fd.sip.name") == TestNetwork.OtherName,
            $"%fd.sip.name is {alert.Text("fd.sip.name") ?? "null"}, not the name {other.CommandLine} resolved." + Describe(falconet));
        Assert.Contains("server_name=" + TestNetwork.OtherName, alert.Json.GetProperty("output").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, falconet.Stop());
        AssertOnlyAlert(falconet, other, TestNetwork.AllowedHostIPv4);
    }

    [Fact]
    public void Resolve_mode_allows_the_addresses_of_a_listed_name_for_connections_by_address()
    {
        SkipUnlessLive();
        using TestProcess dns = network.StartDnsServer(TestNetwork.DefaultDnsTable());
        // The resolver looks listed names up, so the name is exact: a wildcard names no address to ask for.
        string local = AllowDomains("allow_resolved_domain.local.yaml", TestNetwork.AllowedName);
        using LiveFalconet falconet = LiveFalconet.Start("-r", "<builtin>", "-r", local,
            "-o", "dns.mode=resolve",
            "-o", $"dns.servers=[\"{TestNetwork.DnsServerIPv4}\"]",
            // Start-up waits for the first answers (from the namespace server, at once) before events flow.
            "-o", "dns.startup_timeout_ms=20000");
        // No lookups by the workload: only Falconet's resolver knows which name these addresses belong to.
        ConnectionRun allowed = ConnectByAddress(TestNetwork.AllowedHostIPv4);
        ConnectionRun other = ConnectByAddress(TestNetwork.OtherHostIPv4);
        AwaitFlagshipAlert(falconet, other);
        AssertOnlyAlert(falconet, other, allowed.PeerIp);
        Assert.Equal(0, falconet.Stop());
        AssertOnlyAlert(falconet, other, allowed.PeerIp);
    }

    [Fact]
    public void A_name_that_moves_allows_its_new_address_and_keeps_the_old_one_only_while_a_connection_is_open()
    {
        SkipUnlessLive();
        const int ttlSeconds = 2;
        string local = AllowDomains("allow_moving_domain.local.yaml", "*.allowed.test");
        using LiveFalconet falconet = LiveFalconet.Start("-r", "<builtin>", "-r", local);

        // The name first points at .20; a process resolves it and keeps its connection open.
        using TestProcess firstServer = network.StartDnsServer(TestNetwork.DnsEntry(TestNetwork.AllowedName, TestNetwork.AllowedHostIPv4, ttlSeconds));
        using BackgroundProbe holder = BackgroundProbe.Start(network.NetProbe, ["--resolv", network.ResolvConf, "--hold", "resolve-connect", TestNetwork.AllowedName, s_port]);
        ConnectionRun held = holder.AwaitConnection();
        Assert.Equal(TestNetwork.AllowedHostIPv4, held.PeerIp);
        firstServer.Dispose();

        // Then at .21; past the first answer's TTL the name resolves to the new address, which is allowed.
        using TestProcess secondServer = network.StartDnsServer(TestNetwork.DnsEntry(TestNetwork.AllowedName, TestNetwork.OtherHostIPv4, ttlSeconds));
        Thread.Sleep(TimeSpan.FromSeconds(ttlSeconds + 1.5));
        ConnectionRun moved = Resolve(DnsClient.GlibcUdp, TestNetwork.AllowedName);
        Assert.Equal(TestNetwork.OtherHostIPv4, moved.PeerIp);

        // The old address has expired, but a connection to it that began within its TTL is open: still allowed.
        ConnectionRun whileOpen = ConnectByAddress(TestNetwork.AllowedHostIPv4);

        // Once that connection is closed, the expired address is just an address.
        holder.Release();
        ConnectionRun afterClose = ConnectByAddress(TestNetwork.AllowedHostIPv4);

        AwaitFlagshipAlert(falconet, afterClose);
        Assert.Equal(0, falconet.Stop());
        ReceivedAlert[] toOld = FlagshipAlertsTo(falconet, TestNetwork.AllowedHostIPv4);
        Assert.True(toOld.Length == 1 && toOld[0].Text("fd.name") == afterClose.FdName,
            $"expected one alert for {TestNetwork.AllowedHostIPv4}, after the held connection {held.FdName} closed "
            + $"({afterClose.FdName}); none for it ({held.FdName}) nor while it was open ({whileOpen.FdName})." + Describe(falconet));
        ReceivedAlert[] toNew = FlagshipAlertsTo(falconet, TestNetwork.OtherHostIPv4);
        Assert.True(toNew.Length == 0, $"expected no alert for the name's new address ({moved.FdName})." + Describe(falconet));
    }

    [Fact]
    public void Both_mode_asks_the_resolver_about_a_connection_whose_lookup_predates_falconet()
    {
        SkipUnlessLive();
        using TestProcess dns = network.StartDnsServer(TestNetwork.DefaultDnsTable());
        string local = AllowDomains("allow_domain_both.local.yaml", TestNetwork.AllowedName);
        string allowedTrigger = network.Scratch.File("trigger-allowed-" + Guid.NewGuid().ToString("N")[..8]);
        string otherTrigger = network.Scratch.File("trigger-other-" + Guid.NewGuid().ToString("N")[..8]);
        // Both look their name up now, before Falconet runs, and connect only when triggered.
        using BackgroundProbe allowedEarly = BackgroundProbe.Start(network.NetProbe,
            ["--resolv", network.ResolvConf, "--pause", allowedTrigger, "resolve-connect", TestNetwork.AllowedName, s_port]);
        using BackgroundProbe otherEarly = BackgroundProbe.Start(network.NetProbe,
            ["--resolv", network.ResolvConf, "--pause", otherTrigger, "resolve-connect", TestNetwork.OtherName, s_port]);
        allowedEarly.ExpectLine("resolved");
        otherEarly.ExpectLine("resolved");
        using LiveFalconet falconet = LiveFalconet.Start("-r", "<builtin>", "-r", local,
            "-o", "dns.mode=both",
            "-o", $"dns.servers=[\"{TestNetwork.DnsServerIPv4}\"]",
            "-o", "dns.startup_timeout_ms=20000");
        // One after the other, so that the allowed connection's events come before the other's alert.
        File.WriteAllText(allowedTrigger, "");
        ConnectionRun allowed = allowedEarly.AwaitConnection();
        allowedEarly.Release();
        File.WriteAllText(otherTrigger, "");
        ConnectionRun other = otherEarly.AwaitConnection();
        otherEarly.Release();
        Assert.Equal((TestNetwork.AllowedHostIPv4, TestNetwork.OtherHostIPv4), (allowed.PeerIp, other.PeerIp));
        AwaitFlagshipAlert(falconet, other);
        AssertOnlyAlert(falconet, other, allowed.PeerIp);
        Assert.Equal(0, falconet.Stop());
        AssertOnlyAlert(falconet, other, allowed.PeerIp);
    }

    /// <summary>
    /// netprobe running beside the test: its output read line by line, and its stdin held open, which is what keeps a
    /// <c>--hold</c> connection open until <see cref="Release"/>.
    /// </summary>
    private sealed class BackgroundProbe : IDisposable
    {
        private readonly Process _process;
        private readonly string[] _arguments;
        private readonly long _startedAt;

        private BackgroundProbe(Process process, string[] arguments, long startedAt)
        {
            _process = process;
            _arguments = arguments;
            _startedAt = startedAt;
        }

        private string CommandLine => "netprobe " + string.Join(' ', _arguments);

        public static BackgroundProbe Start(string netProbe, string[] arguments)
        {
            var start = new ProcessStartInfo(netProbe)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            long started = Stopwatch.GetTimestamp();
            Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start netprobe");
            return new BackgroundProbe(process, arguments, started);
        }

        private string ReadLine()
        {
            string? line = _process.StandardOutput.ReadLine();
            if (line is null)
            {
                _process.WaitForExit(TimeSpan.FromSeconds(30));
                throw new InvalidOperationException($"{CommandLine} ended early: {_process.StandardError.ReadToEnd()}");
            }
            return line.Trim();
        }

        public void ExpectLine(string expected) => Assert.Equal(expected, ReadLine());

        /// <summary>Reads the line a connected probe prints.</summary>
        public ConnectionRun AwaitConnection() => ParseRun(_startedAt, _arguments, ReadLine());

        /// <summary>Closes netprobe's stdin, so a held connection is closed, and waits for it to exit.</summary>
        public void Release()
        {
            _process.StandardInput.Close();
            Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(30)), $"{CommandLine} did not exit when released");
            Assert.True(_process.ExitCode == 0, $"{CommandLine} failed: {_process.StandardError.ReadToEnd()}");
        }

        public void Dispose() => TestProcess.End(_process);
    }
}
