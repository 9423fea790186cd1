using System.Net;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.Scap;

namespace Falconet.Host.Tests;

/// <summary>
/// A generated capture that takes IPv4 and IPv6, TCP and UDP sockets through every state: created (right after
/// <c>socket</c>), bound, listening, accepted, connecting (EINPROGRESS), connected, reconnected (a datagram socket
/// connected again to a new peer), sending and closed. Each syscall has its enter event too, so an older reader
/// (sysdig 0.29) that takes the fd from the enter event sees the same state. Addresses are loopback and documentation
/// ranges only.
/// </summary>
internal static class SocketStatesCapture
{
    private const ulong Start = 1_764_000_000_000_000_000;
    private const long Pid = 3000;

    public static void Write(string path)
    {
        using ScapWriter writer = ScapWriter.Create(path, compress: false);
        writer.WriteHeader(Snapshot());
        ulong ts = Start;
        foreach (ScapEvent e in Events())
        {
            e.Timestamp = ts += 1_000;
            writer.WriteEvent(e);
        }
    }

    private static ScapSnapshot Snapshot()
    {
        var s = new ScapSnapshot
        {
            Machine = new MachineInfo(2, 4UL << 30, 4_194_304, "falconet-sockets", Start - 3_600_000_000_000),
        };
        s.Interfaces.Add(new InterfaceAddress("lo", IPAddress.Loopback, IPAddress.Parse("255.0.0.0"), IPAddress.Any, 0));
        s.Interfaces.Add(new InterfaceAddress("eth0", IPAddress.Parse("192.0.2.5"), IPAddress.Parse("255.255.255.0"), IPAddress.Parse("192.0.2.255"), 1000));
        s.Users.Add(new UserRecord(0, 0, "root", "/root", "/bin/bash"));
        s.Groups.Add(new GroupRecord(0, "root"));
        s.Threads.Add(new ThreadRecord
        {
            Tid = 1, Pid = 1, ParentTid = 0, Comm = "systemd", Exe = "/sbin/init", ExePath = "/usr/lib/systemd/systemd",
            Cwd = "/", Sid = 1, Vpgid = 1, Vtid = 1, Vpid = 1, FdLimit = 1024,
        });
        s.Threads.Add(new ThreadRecord
        {
            Tid = Pid, Pid = Pid, ParentTid = 1, Comm = "sockprog", Exe = "sockprog", ExePath = "/usr/bin/sockprog",
            Cwd = "/", Sid = Pid, Vpgid = Pid, Vtid = Pid, Vpid = Pid, FdLimit = 1024,
        });
        return s;
    }

    private static EventBuilder E(ushort type) => EventBuilder.Create(type, 0, Pid);

    private static IEnumerable<ScapEvent> Socket(long fd, uint domain, uint type, uint proto)
    {
        yield return E(18).UInt32(domain).UInt32(type).UInt32(proto).Build();
        yield return E(19).Fd(fd).UInt32(domain).UInt32(type).UInt32(proto).UInt32(0).Build();
    }

    private static IEnumerable<ScapEvent> BindV4(long fd, string ip, ushort port)
    {
        yield return E(20).Fd(fd).Build();
        yield return E(21).Errno(0).SockAddrV4(ip, port).Fd(fd).Build();
    }

    private static IEnumerable<ScapEvent> BindV6(long fd, string ip, ushort port)
    {
        yield return E(20).Fd(fd).Build();
        yield return E(21).Errno(0).SockAddrV6(ip, port).Fd(fd).Build();
    }

    private static IEnumerable<ScapEvent> Listen(long fd)
    {
        yield return E(24).Fd(fd).Int32(16).Build();
        yield return E(25).Errno(0).Fd(fd).Int32(16).Build();
    }

    private static IEnumerable<ScapEvent> Accept4(long listening, long fd, Func<EventBuilder, EventBuilder> tuple)
    {
        _ = listening;
        yield return E(388).Int32(0).Build();
        yield return tuple(E(389).Fd(fd)).UInt8(0).UInt32(0).UInt32(16).Int32(0).Build();
    }

    private static IEnumerable<ScapEvent> ConnectV4(long fd, long res, string localIp, ushort localPort, string remoteIp, ushort remotePort)
    {
        yield return E(22).Fd(fd).SockAddrV4(remoteIp, remotePort).Build();
        yield return E(23).Errno(res).SockTupleV4(localIp, localPort, remoteIp, remotePort).Fd(fd).SockAddrV4(remoteIp, remotePort).Build();
    }

    private static IEnumerable<ScapEvent> ConnectV6(long fd, long res, string localIp, ushort localPort, string remoteIp, ushort remotePort)
    {
        yield return E(22).Fd(fd).SockAddrV6(remoteIp, remotePort).Build();
        yield return E(23).Errno(res).SockTupleV6(localIp, localPort, remoteIp, remotePort).Fd(fd).SockAddrV6(remoteIp, remotePort).Build();
    }

    private static IEnumerable<ScapEvent> SendToV4(long fd, string localIp, ushort localPort, string remoteIp, ushort remotePort)
    {
        yield return E(30).Fd(fd).UInt32(4).SockTupleV4(localIp, localPort, remoteIp, remotePort).Build();
        yield return E(31).Errno(4).ByteBuf("ping").Fd(fd).UInt32(4).SockTupleV4(localIp, localPort, remoteIp, remotePort).Build();
    }

    private static IEnumerable<ScapEvent> RecvFromV6(long fd, string remoteIp, ushort remotePort, string localIp, ushort localPort)
    {
        yield return E(34).Fd(fd).UInt32(64).Build();
        yield return E(35).Errno(4).ByteBuf("pong").SockTupleV6(remoteIp, remotePort, localIp, localPort).Fd(fd).UInt32(64).Build();
    }

    private static IEnumerable<ScapEvent> RecvFromV4(long fd, string remoteIp, ushort remotePort, string localIp, ushort localPort)
    {
        yield return E(34).Fd(fd).UInt32(64).Build();
        yield return E(35).Errno(4).ByteBuf("pong").SockTupleV4(remoteIp, remotePort, localIp, localPort).Fd(fd).UInt32(64).Build();
    }

    private static IEnumerable<ScapEvent> Close(long fd)
    {
        yield return E(4).Fd(fd).Build();
        yield return E(5).Errno(0).Fd(fd).Build();
    }

    private static IEnumerable<ScapEvent> Events()
    {
        IEnumerable<ScapEvent>[] steps =
        [
            // IPv4 TCP server on all addresses: created, bound, listening, accepted, closed.
            Socket(3, 2, 1, 0), BindV4(3, "0.0.0.0", 8080), Listen(3),
            Accept4(3, 4, b => b.SockTupleV4("127.0.0.1", 40000, "127.0.0.1", 8080)),
            // IPv4 TCP client: connecting (EINPROGRESS), then a second one connected at once.
            Socket(5, 2, 1, 6), ConnectV4(5, -115, "127.0.0.1", 40001, "127.0.0.1", 8080),
            Socket(6, 2, 1, 0), ConnectV4(6, 0, "192.0.2.5", 40002, "198.51.100.7", 443),
            Close(4), Close(5), Close(6), Close(3),
            // IPv6 TCP servers on :: and on ::1, an accepted connection from 2001:db8::1.
            Socket(7, 10, 1, 0), BindV6(7, "::", 8443), Listen(7),
            Accept4(7, 8, b => b.SockTupleV6("2001:db8::1", 40010, "2001:db8::5", 8443)),
            Socket(9, 10, 1, 6), BindV6(9, "::1", 9000), Listen(9),
            // IPv6 TCP client to the loopback server.
            Socket(10, 10, 1, 0), ConnectV6(10, 0, "::1", 40011, "::1", 9000),
            Close(8), Close(10), Close(9), Close(7),
            // IPv4 UDP: created, connected, reconnected to a new peer, a datagram, closed.
            Socket(11, 2, 2, 17), ConnectV4(11, 0, "127.0.0.1", 40020, "127.0.0.1", 53),
            ConnectV4(11, 0, "192.0.2.5", 40020, "198.51.100.53", 5353), SendToV4(11, "192.0.2.5", 40020, "198.51.100.53", 5353),
            Close(11),
            // IPv4 UDP never connected: the first datagram names the peer.
            Socket(12, 2, 2, 0), SendToV4(12, "192.0.2.5", 40030, "198.51.100.9", 123), Close(12),
            // IPv6 UDP bound to ::, receiving from 2001:db8::9.
            Socket(13, 10, 2, 17), BindV6(13, "::", 5353), RecvFromV6(13, "2001:db8::9", 5000, "2001:db8::5", 5353), Close(13),
            // IPv4 UDP bound to 0.0.0.0, receiving and answering; IPv6 UDP bound to ::1, receiving.
            Socket(14, 2, 2, 17), BindV4(14, "0.0.0.0", 5354), RecvFromV4(14, "198.51.100.9", 5000, "192.0.2.5", 5354),
            SendToV4(14, "192.0.2.5", 5354, "198.51.100.9", 5000), Close(14),
            Socket(15, 10, 2, 17), BindV6(15, "::1", 5355), RecvFromV6(15, "::1", 5001, "::1", 5355), Close(15),
        ];
        foreach (IEnumerable<ScapEvent> step in steps)
        {
            foreach (ScapEvent e in step)
            {
                yield return e;
            }
        }
    }
}
