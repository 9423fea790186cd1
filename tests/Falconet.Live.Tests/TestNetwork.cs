using Falconet.TestKit;

using System.Diagnostics;

namespace Falconet.Live.Tests;

/// <summary>
/// A test host in a network namespace of our own, on a veth pair: 198.51.100.10, 2001:db8::10 (documentation
/// ranges) and 10.250.0.10 (RFC 1918), with a TCP listener on all of them. Host routes (/32, /128) send those
/// addresses over our veth even if another interface already has the documentation /24, and the routes are
/// checked before any test sends a packet. Everything is removed on dispose, also after a failed setup.
/// The DNS tests' hosts live there too: a DNS server address (198.51.100.53, served by <see cref="StartDnsServer"/>)
/// and two destinations for names to point at (198.51.100.20 and .21, answered by the same listener).
/// </summary>
public sealed class TestNetwork : IAsyncLifetime
{
    public const string HostIPv4 = "198.51.100.1";
    public const string PeerIPv4 = "198.51.100.10";
    public const string HostIPv6 = "2001:db8::1";
    public const string PeerIPv6 = "2001:db8::10";
    public const string HostPrivate = "10.250.0.1";
    public const string PeerPrivate = "10.250.0.10";
    public const int TcpPort = 8080;
    public const int UdpPort = 9;
    public const string DnsServerIPv4 = "198.51.100.53";
    public const int DnsPort = 53;
    public const string AllowedHostIPv4 = "198.51.100.20";
    public const string OtherHostIPv4 = "198.51.100.21";
    public const string AllowedName = "api.allowed.test";
    public const string OtherName = "other.test";
    public const int DefaultDnsTtlSeconds = 5;

    /// <summary>The test DNS server's usual table: the allowed name and the other one, each to its own host.</summary>
    public static string[] DefaultDnsTable(int ttlSeconds = DefaultDnsTtlSeconds) =>
    [
        DnsEntry(AllowedName, AllowedHostIPv4, ttlSeconds),
        DnsEntry(OtherName, OtherHostIPv4, ttlSeconds),
    ];

    /// <summary>One entry of netprobe dns-server's table.</summary>
    public static string DnsEntry(string name, string address, int ttlSeconds) =>
        $"{name}={address},{ttlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];
    private Process? _peerListener;
    private Process? _loopbackListener;
    private bool _created;

    /// <summary>Why the live tests cannot run here, or null.</summary>
    public string? SkipReason { get; private set; }

    public string Namespace => "falconet-live-" + _suffix;

    public string HostInterface => "flv" + _suffix + "h";

    private string PeerInterface => "flv" + _suffix + "n";

    /// <summary>The compiled test helper (see Native/netprobe.c).</summary>
    public string NetProbe { get; private set; } = "";

    /// <summary>A port with a listener on 127.0.0.1 in the host namespace.</summary>
    public int LoopbackPort { get; private set; }

    public TempDirectory Scratch { get; } = new();

    /// <summary>
    /// A resolv.conf naming only the test DNS server, for <c>netprobe --resolv</c>, which bind-mounts it over
    /// /etc/resolv.conf in a mount namespace of its own: the machine's file is never touched.
    /// </summary>
    public string ResolvConf { get; private set; } = "";

    /// <summary>As <see cref="ResolvConf"/>, with <c>options use-vc</c>: glibc then asks over TCP.</summary>
    public string ResolvConfTcp { get; private set; } = "";

    public ValueTask InitializeAsync()
    {
        SkipReason = HostTools.LiveSkipReason();
        if (SkipReason is not null)
        {
            return ValueTask.CompletedTask;
        }
        try
        {
            NetProbe = HostTools.BuildNetProbe(Scratch.Path);
            ResolvConf = Scratch.File("resolv.conf");
            File.WriteAllText(ResolvConf, $"nameserver {DnsServerIPv4}\noptions timeout:2 attempts:2\n");
            ResolvConfTcp = Scratch.File("resolv-tcp.conf");
            File.WriteAllText(ResolvConfTcp, $"nameserver {DnsServerIPv4}\noptions timeout:2 attempts:2 use-vc\n");
            Create();
            _peerListener = StartListener(["ip", "netns", "exec", Namespace, NetProbe, "listen", TcpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            LoopbackPort = 20000 + Random.Shared.Next(30000);
            _loopbackListener = StartListener([NetProbe, "listen", LoopbackPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "127.0.0.1"]);
        }
        catch
        {
            TearDown();
            throw;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        TearDown();
        Scratch.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Create()
    {
        _created = true;
        HostTools.Check("ip", "netns", "add", Namespace);
        HostTools.Check("ip", "link", "add", HostInterface, "type", "veth", "peer", "name", PeerInterface);
        HostTools.Check("ip", "link", "set", PeerInterface, "netns", Namespace);
        // noprefixroute: only our host routes below decide where these addresses go.
        HostTools.Check("ip", "addr", "add", HostIPv4 + "/24", "dev", HostInterface, "noprefixroute");
        HostTools.Check("ip", "addr", "add", HostPrivate + "/24", "dev", HostInterface, "noprefixroute");
        HostTools.Check("ip", "-6", "addr", "add", HostIPv6 + "/64", "dev", HostInterface, "nodad", "noprefixroute");
        HostTools.Check("ip", "link", "set", HostInterface, "up");
        InNamespace("ip", "link", "set", "lo", "up");
        InNamespace("ip", "addr", "add", PeerIPv4 + "/24", "dev", PeerInterface);
        InNamespace("ip", "addr", "add", PeerPrivate + "/24", "dev", PeerInterface);
        foreach (string dnsHost in s_dnsHosts)
        {
            InNamespace("ip", "addr", "add", dnsHost + "/24", "dev", PeerInterface);
        }
        InNamespace("ip", "-6", "addr", "add", PeerIPv6 + "/64", "dev", PeerInterface, "nodad");
        InNamespace("ip", "link", "set", PeerInterface, "up");
        HostTools.Check("ip", "route", "add", PeerIPv4 + "/32", "dev", HostInterface, "src", HostIPv4);
        HostTools.Check("ip", "route", "add", PeerPrivate + "/32", "dev", HostInterface, "src", HostPrivate);
        HostTools.Check("ip", "-6", "route", "add", PeerIPv6 + "/128", "dev", HostInterface, "src", HostIPv6);
        foreach (string dnsHost in s_dnsHosts)
        {
            HostTools.Check("ip", "route", "add", dnsHost + "/32", "dev", HostInterface, "src", HostIPv4);
        }
        foreach (string peer in (string[])[PeerIPv4, PeerPrivate, PeerIPv6, .. s_dnsHosts])
        {
            string route = HostTools.Check("ip", "route", "get", peer);
            if (!route.Contains(" dev " + HostInterface + " ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"refusing to send: the route to {peer} does not use the test veth {HostInterface}: {route.Trim()}");
            }
        }
    }

    private static readonly string[] s_dnsHosts = [DnsServerIPv4, AllowedHostIPv4, OtherHostIPv4];

    /// <summary>
    /// Starts netprobe's DNS server on 198.51.100.53:53 (UDP and TCP) in the namespace with the given table
    /// (<c>NAME=IP,TTL</c>, see <see cref="DnsEntry"/>); it answers once this returns. One at a time: dispose it
    /// before starting another (a test that changes the answers does that).
    /// </summary>
    public TestProcess StartDnsServer(params string[] table) =>
        new(StartListener(["ip", "netns", "exec", Namespace, NetProbe, "dns-server", DnsServerIPv4,
            DnsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. table]));

    private void InNamespace(params string[] command) => HostTools.Check("ip", ["netns", "exec", Namespace, .. command]);

    private static Process StartListener(string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + command[0]);
        string? line = process.StandardOutput.ReadLine();
        if (line != "ready")
        {
            string error = process.StandardError.ReadToEnd();
            process.Kill();
            process.Dispose();
            throw new InvalidOperationException($"listener {string.Join(' ', command)} did not start: {line} {error}");
        }
        return process;
    }

    private void TearDown()
    {
        foreach (Process? listener in new[] { _peerListener, _loopbackListener })
        {
            if (listener is not null)
            {
                TestProcess.End(listener);
            }
        }
        _peerListener = null;
        _loopbackListener = null;
        if (_created)
        {
            // Deleting the namespace destroys the peer end, which takes the host end and its routes with it;
            // the explicit delete covers a setup that failed before the peer was moved.
            HostTools.Run("ip", "netns", "del", Namespace);
            HostTools.Run("ip", "link", "del", HostInterface);
            _created = false;
        }
    }
}

/// <summary>A helper process a test started and owns: killed, waited for and disposed on dispose.</summary>
public sealed class TestProcess(Process process) : IDisposable
{
    private bool _ended;

    public Process Process { get; } = process;

    /// <summary>Ends the process; a test may do that early (to change servers) and again on its way out.</summary>
    public void Dispose()
    {
        if (!_ended)
        {
            _ended = true;
            End(Process);
        }
    }

    internal static void End(Process process)
    {
        try
        {
            process.Kill();
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }
}
