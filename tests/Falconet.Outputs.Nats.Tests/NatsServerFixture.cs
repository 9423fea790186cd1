using Falconet.TestKit;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Falconet.Outputs.Nats.Tests;

/// <summary>
/// A real nats-server listening on 127.0.0.1 on a free port, started for the test and killed after it.
/// Tests skip when the binary is absent (NATS_SERVER overrides its path).
/// </summary>
internal sealed class NatsServerProcess : IDisposable
{
    public static readonly string BinaryPath = Environment.GetEnvironmentVariable("NATS_SERVER") is { Length: > 0 } path ? path : "/usr/sbin/nats-server";

    private readonly Process _process;

    private NatsServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Url => "nats://127.0.0.1:" + Port;

    public static void SkipIfAbsent() =>
        Oracle.Require(File.Exists(BinaryPath), "nats-server is not installed at " + BinaryPath + " (apt-get install nats-server)");

    /// <summary>
    /// Starts a server; with <paramref name="jetStreamStore"/> it runs JetStream (<c>-js</c>) storing in that folder, so
    /// a server started again on the same <paramref name="port"/> and folder has the streams of the one killed.
    /// </summary>
    public static async Task<NatsServerProcess> StartAsync(string? jetStreamStore = null, int? port = null)
    {
        port ??= FreeLoopbackPort();
        ProcessStartInfo start = new(BinaryPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        List<string> args = ["-a", "127.0.0.1", "-p", port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (jetStreamStore is not null)
        {
            args.AddRange(["-js", "-sd", jetStreamStore]);
        }
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException("nats-server did not start");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        NatsServerProcess server = new(process, port.Value);
        // Ready when it accepts TCP connections; the loop is bounded so a broken server fails the test.
        for (int attempt = 0; attempt < 300; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("nats-server exited with code " + process.ExitCode);
            }
            try
            {
                using TcpClient probe = new();
                await probe.ConnectAsync(IPAddress.Loopback, port.Value);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        server.Dispose();
        throw new InvalidOperationException("nats-server did not accept connections on port " + port);
    }

    /// <summary>Kills the server with SIGKILL: no shutdown, as a crash or a lost node.</summary>
    public void Kill() => Dispose();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        TcpListener probe = new(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
