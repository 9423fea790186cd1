using System.Net.Sockets;
using System.Text;

namespace Falconet.Operations;

/// <summary>
/// systemd's readiness protocol (sd_notify): one datagram of <c>KEY=value</c> lines to the Unix socket named by
/// <c>NOTIFY_SOCKET</c> (a path, or <c>@name</c> in the abstract namespace). Without the variable it does nothing,
/// so the same binary runs under <c>Type=notify</c> and anywhere else.
/// </summary>
public static class SystemdNotifier
{
    /// <summary>Sends <paramref name="state"/> (e.g. <c>READY=1</c>); false when there is no socket or the send failed.</summary>
    public static bool Notify(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string? socketPath = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(socketPath))
        {
            return false;
        }
        if (socketPath[0] == '@')
        {
            socketPath = "\0" + socketPath[1..];
        }
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            socket.Send(Encoding.UTF8.GetBytes(state));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
