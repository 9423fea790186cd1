using System.Net;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.Scap;

namespace Falconet.Host;

/// <summary>
/// A small capture that Falconet writes itself, so the built-in rules can be shown working on any machine
/// (no eBPF, no shared data). A user "alice" runs curl from bash; curl makes outbound connections to allowed and
/// disallowed destinations (documentation addresses only). With the built-in rules it yields three alerts:
/// TCP to 198.51.100.10, UDP to 198.51.100.53 and TCP to 2001:db8::10; the others are allowed, private,
/// loopback or failed.
/// </summary>
public static class SampleCapture
{
    private const ulong Start = 1_764_000_000_000_000_000; // 2025-11-24T16:00:00Z
    private const long BashPid = 2000;
    private const long CurlPid = 2001;

    /// <summary>Writes a small capture whose events fire the built-in rules, for <c>falconet demo</c>.</summary>
    public static void Write(string path)
    {
        using ScapWriter writer = ScapWriter.Create(path, compress: false);
        writer.WriteHeader(Snapshot());
        ulong ts = Start;
        foreach (ScapEvent e in Events())
        {
            e.Timestamp = ts += 1_000_000;
            writer.WriteEvent(e);
        }
    }

    private static ScapSnapshot Snapshot()
    {
        var s = new ScapSnapshot
        {
            Machine = new MachineInfo(2, 4UL << 30, 4_194_304, "falconet-sample", Start - 3_600_000_000_000),
        };
        s.Interfaces.Add(new InterfaceAddress("lo", IPAddress.Loopback, IPAddress.Parse("255.0.0.0"), IPAddress.Any, 0));
        s.Interfaces.Add(new InterfaceAddress("eth0", IPAddress.Parse("192.0.2.5"), IPAddress.Parse("255.255.255.0"), IPAddress.Parse("192.0.2.255"), 1000));
        s.Users.Add(new UserRecord(0, 0, "root", "/root", "/bin/bash"));
        s.Users.Add(new UserRecord(1000, 1000, "alice", "/home/alice", "/bin/bash"));
        s.Groups.Add(new GroupRecord(0, "root"));
        s.Groups.Add(new GroupRecord(1000, "alice"));
        s.Threads.Add(new ThreadRecord
        {
            Tid = 1, Pid = 1, ParentTid = 0, Comm = "systemd", Exe = "/sbin/init", ExePath = "/usr/lib/systemd/systemd",
            Cwd = "/", Sid = 1, Vpgid = 1, Vtid = 1, Vpid = 1, FdLimit = 1024,
        });
        s.Threads.Add(new ThreadRecord
        {
            Tid = BashPid, Pid = BashPid, ParentTid = 1, Comm = "bash", Exe = "-bash", ExePath = "/usr/bin/bash",
            Cwd = "/home/alice/", Uid = 1000, Gid = 1000, LoginUid = 1000, Sid = BashPid, Vpgid = BashPid,
            Vtid = BashPid, Vpid = BashPid, FdLimit = 1024, Env = ["HOME=/home/alice", "USER=alice"],
        });
        return s;
    }

    private static IEnumerable<ScapEvent> Events()
    {
        // bash forks and execs curl.
        yield return EventBuilder.CloneExit(0, BashPid, CurlPid, "-bash", [], BashPid, BashPid, 1, "/home/alice/", "bash", uid: 1000, gid: 1000);
        yield return EventBuilder.CloneExit(0, CurlPid, 0, "-bash", [], CurlPid, CurlPid, BashPid, "/home/alice/", "bash", uid: 1000, gid: 1000);
        yield return EventBuilder.ExecveExit(0, CurlPid, CurlPid, BashPid, "curl", ["-s", "https://downloads.example/payload"], "/home/alice/",
            "curl", "/usr/bin/curl", uid: 1000, gid: 1000, loginUid: 1000, env: ["HOME=/home/alice", "USER=alice"]);

        // Disallowed: TCP to 198.51.100.10:443.
        yield return EventBuilder.SocketExit(0, CurlPid, 3, domain: 2, type: 1);
        yield return EventBuilder.ConnectExitV4(0, CurlPid, 3, "192.0.2.5", 40100, "198.51.100.10", 443);
        // Allowed: DNS to 8.8.8.8 (in allowed_outbound_destination_ipaddrs).
        yield return EventBuilder.SocketExit(0, CurlPid, 4, domain: 2, type: 2, proto: 17);
        yield return EventBuilder.ConnectExitV4(0, CurlPid, 4, "192.0.2.5", 40101, "8.8.8.8", 53);
        // Disallowed: the first datagram of an unconnected UDP socket to 198.51.100.53:53.
        yield return EventBuilder.SocketExit(0, CurlPid, 5, domain: 2, type: 2, proto: 17);
        yield return EventBuilder.Create(31, 0, CurlPid).Errno(32).ByteBuf("sample query........").Fd(5).UInt32(32)
            .SockTupleV4("192.0.2.5", 40102, "198.51.100.53", 53).Build();
        // Not outbound: a private address (RFC 1918) and loopback.
        yield return EventBuilder.SocketExit(0, CurlPid, 6, domain: 2, type: 1);
        yield return EventBuilder.ConnectExitV4(0, CurlPid, 6, "10.0.0.5", 40103, "10.0.0.7", 5432);
        yield return EventBuilder.SocketExit(0, CurlPid, 7, domain: 2, type: 1);
        yield return EventBuilder.ConnectExitV4(0, CurlPid, 7, "127.0.0.1", 40104, "127.0.0.1", 8080);
        // Failed: connection refused is not an outbound connection.
        yield return EventBuilder.SocketExit(0, CurlPid, 8, domain: 2, type: 1);
        yield return EventBuilder.ConnectExitV4(0, CurlPid, 8, "192.0.2.5", 40105, "203.0.113.5", 443, res: -111);
        // Disallowed: IPv6 to 2001:db8::10.
        yield return EventBuilder.SocketExit(0, CurlPid, 9, domain: 10, type: 1);
        yield return EventBuilder.Create(23, 0, CurlPid).Errno(0).SockTupleV6("2001:db8::5", 40106, "2001:db8::10", 443)
            .Fd(9).SockAddrV6("2001:db8::10", 443).Build();
        for (long fd = 3; fd <= 9; fd++)
        {
            yield return EventBuilder.CloseExit(0, CurlPid, fd);
        }
        yield return EventBuilder.ProcExit(0, CurlPid);
    }
}
