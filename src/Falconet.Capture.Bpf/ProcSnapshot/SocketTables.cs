using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Falconet.Core.Snapshot;

namespace Falconet.Capture.Bpf.ProcSnapshot;

/// <summary>One socket of /proc/net/{tcp,udp,raw}[6], unix or netlink, found by inode.</summary>
internal sealed record SocketEntry(
    ScapFdType Type,
    IPAddress? LocalIp,
    ushort LocalPort,
    IPAddress? RemoteIp,
    ushort RemotePort,
    byte L4Proto,
    ulong UnixAddress,
    string Name);

/// <summary>
/// The socket tables of one network namespace, read from <c>/proc/PID/net/*</c> of a process in it
/// (each namespace has its own tables).
/// </summary>
internal sealed class SocketTables
{
    private const string TcpListenState = "0A";

    private readonly Dictionary<ulong, SocketEntry> _byInode = [];

    public static SocketTables Read(string netDirectory)
    {
        var tables = new SocketTables();
        tables.ReadInet(Path.Combine(netDirectory, "tcp"), v6: false, ScapL4Protocol.Tcp);
        tables.ReadInet(Path.Combine(netDirectory, "tcp6"), v6: true, ScapL4Protocol.Tcp);
        tables.ReadInet(Path.Combine(netDirectory, "udp"), v6: false, ScapL4Protocol.Udp);
        tables.ReadInet(Path.Combine(netDirectory, "udp6"), v6: true, ScapL4Protocol.Udp);
        tables.ReadInet(Path.Combine(netDirectory, "raw"), v6: false, ScapL4Protocol.Raw);
        tables.ReadInet(Path.Combine(netDirectory, "raw6"), v6: true, ScapL4Protocol.Raw);
        tables.ReadUnix(Path.Combine(netDirectory, "unix"));
        tables.ReadNetlink(Path.Combine(netDirectory, "netlink"));
        return tables;
    }

    public bool TryGet(ulong inode, out SocketEntry entry) => _byInode.TryGetValue(inode, out entry!);

    private static IEnumerable<string[]> Rows(string path)
    {
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadLines(path).Skip(1).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (string line in lines)
        {
            yield return line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    private void ReadInet(string path, bool v6, byte l4)
    {
        foreach (string[] f in Rows(path))
        {
            if (f.Length < 10 || !ulong.TryParse(f[9], CultureInfo.InvariantCulture, out ulong inode) || inode == 0)
            {
                continue;
            }
            if (!TryParseEndpoint(f[1], v6, out IPAddress local, out ushort localPort)
                || !TryParseEndpoint(f[2], v6, out IPAddress remote, out ushort remotePort))
            {
                continue;
            }
            bool unconnected = remotePort == 0 && (remote.Equals(IPAddress.Any) || remote.Equals(IPAddress.IPv6Any));
            bool server = l4 == ScapL4Protocol.Tcp ? f[3] == TcpListenState : unconnected;
            ScapFdType type = (v6, server) switch
            {
                (false, false) => ScapFdType.Ipv4Socket,
                (false, true) => ScapFdType.Ipv4ServerSocket,
                (true, false) => ScapFdType.Ipv6Socket,
                (true, true) => ScapFdType.Ipv6ServerSocket,
            };
            _byInode[inode] = new SocketEntry(type, local, localPort, server ? null : remote, server ? (ushort)0 : remotePort, l4, 0, "");
        }
    }

    /// <summary>"0100007F:1F90" (IPv4, each 32-bit word in host order) or the 32-hex-digit IPv6 form.</summary>
    internal static bool TryParseEndpoint(string text, bool v6, out IPAddress address, out ushort port)
    {
        address = IPAddress.None;
        port = 0;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        int hexLength = v6 ? 32 : 8;
        if (colon != hexLength || !ushort.TryParse(text.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out port))
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[v6 ? 16 : 4];
        for (int word = 0; word < hexLength / 8; word++)
        {
            if (!uint.TryParse(text.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint value))
            {
                return false;
            }
            BinaryPrimitives.WriteUInt32LittleEndian(bytes[(word * 4)..], value);
        }
        address = new IPAddress(bytes);
        return true;
    }

    private void ReadUnix(string path)
    {
        foreach (string[] f in Rows(path))
        {
            if (f.Length < 7 || !ulong.TryParse(f[6], CultureInfo.InvariantCulture, out ulong inode) || inode == 0)
            {
                continue;
            }
            ulong.TryParse(f[0].TrimEnd(':'), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong kernelAddress);
            string name = f.Length > 7 ? f[7] : "";
            _byInode[inode] = new SocketEntry(ScapFdType.UnixSocket, null, 0, null, 0, 0, kernelAddress, name);
        }
    }

    private void ReadNetlink(string path)
    {
        foreach (string[] f in Rows(path))
        {
            if (f.Length >= 10 && ulong.TryParse(f[9], CultureInfo.InvariantCulture, out ulong inode) && inode != 0)
            {
                _byInode[inode] = new SocketEntry(ScapFdType.Netlink, null, 0, null, 0, 0, 0, "");
            }
        }
    }
}
