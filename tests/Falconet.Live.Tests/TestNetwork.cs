using Falconet.TestKit;

using System.Diagnostics;

namespace Falconet.Live.Tests;

/// <summary>
/// A test host in a network namespace of our own, on a veth pair: 198.51.100.10, 2001:db8::10 (documentation
/// ranges) and 10.250.0.10 (RFC 1918), with a TCP listener on all of them. Host routes (/32, /128) send those
/// addresses over our veth even if another interface already has the documentation /24, and the routes are
/// checked before any test sends a packet. Everything is removed on dispose, also after a failed setup.
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
        InNamespace("ip", "-6", "addr", "add", PeerIPv6 + "/64", "dev", PeerInterface, "nodad");
        InNamespace("ip", "link", "set", PeerInterface, "up");
        HostTools.Check("ip", "route", "add", PeerIPv4 + "/32", "dev", HostInterface, "src", HostIPv4);
        HostTools.Check("ip", "route", "add", PeerPrivate + "/32", "dev", HostInterface, "src", HostPrivate);
        HostTools.Check("ip", "-6", "route", "add", PeerIPv6 + "/128", "dev", HostInterface, "src", HostIPv6);
        foreach (string peer in new[] { PeerIPv4, PeerPrivate, PeerIPv6 })
        {
            string route = HostTools.Check("ip", "route", "get", peer);
            if (!route.Contains(" dev " + HostInterface + " ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"refusing to send: the route to {peer} does not use the test veth {HostInterface}: {route.Trim()}");
            }
        }
    }

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
                try
                {
                    listener.Kill();
                    listener.WaitForExit(TimeSpan.FromSeconds(10));
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }
                listener.Dispose();
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
