using System.Buffers.Binary;
using System.Net;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.Scap;

namespace Falconet.Conformance.Tests;

/// <summary>
/// A generated capture for the fields the reference captures never exercise: the *at syscalls evt.abspath resolves
/// (renameat, renameat2, symlinkat, linkat, unlinkat, mkdirat, fchmodat, openat, against the cwd, a directory fd, an
/// unknown fd and absolute paths), opens of files in an overlay's upper and lower layers (openat flags, creat's
/// creat_flags), poll and ppoll over files, connected IPv4/IPv6 sockets and unknown fds (fdlist.*), and two procinfo
/// events per thread (thread.cpu* across events). Addresses are loopback and documentation ranges only.
/// </summary>
internal static class PathFieldsCapture
{
    private const ulong Start = 1_764_100_000_000_000_000;
    private const long Pid = 3100;
    private const long AtFdCwd = -100;
    private const uint UpperLayer = 1u << 15;
    private const uint LowerLayer = 1u << 16;

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
            Machine = new MachineInfo(2, 4UL << 30, 4_194_304, "falconet-paths", Start - 3_600_000_000_000),
        };
        s.Interfaces.Add(new InterfaceAddress("lo", IPAddress.Loopback, IPAddress.Parse("255.0.0.0"), IPAddress.Any, 0));
        s.Users.Add(new UserRecord(0, 0, "root", "/root", "/bin/bash"));
        s.Groups.Add(new GroupRecord(0, "root"));
        s.Threads.Add(new ThreadRecord
        {
            Tid = 1, Pid = 1, ParentTid = 0, Comm = "systemd", Exe = "/sbin/init", ExePath = "/usr/lib/systemd/systemd",
            Cwd = "/", Sid = 1, Vpgid = 1, Vtid = 1, Vpid = 1, FdLimit = 1024,
        });
        s.Threads.Add(new ThreadRecord
        {
            Tid = Pid, Pid = Pid, ParentTid = 1, Comm = "pathprog", Exe = "pathprog", ExePath = "/usr/bin/pathprog",
            Cwd = "/home/user/", Sid = Pid, Vpgid = Pid, Vtid = Pid, Vpid = Pid, FdLimit = 1024,
        });
        return s;
    }

    private static EventBuilder E(ushort type) => EventBuilder.Create(type, 0, Pid);

    private static ScapEvent OpenAt(long fd, long dirFd, string name, uint flags) =>
        E(307).Fd(fd).Fd(dirFd).Path(name).UInt32(flags).UInt32(0).UInt32(2049).UInt64(100 + (ulong)fd).Build();

    private static byte[] FdList(params long[] fds)
    {
        var bytes = new byte[2 + (fds.Length * 10)];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)fds.Length);
        for (int i = 0; i < fds.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(2 + (i * 10)), fds[i]);
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 + (i * 10) + 8), 1);
        }
        return bytes;
    }

    private static IEnumerable<ScapEvent> Events()
    {
        // procinfo first, as a capture writer puts them after the snapshot.
        yield return E(234).UInt64(40).UInt64(25).Build();
        yield return EventBuilder.Create(234, 0, 1).UInt64(7).UInt64(3).Build();
        yield return OpenAt(3, AtFdCwd, "/etc", PpmOpenFlags.Rdonly | PpmOpenFlags.Directory);
        yield return OpenAt(4, 3, "passwd", PpmOpenFlags.Rdonly | UpperLayer);
        yield return OpenAt(5, AtFdCwd, "notes/todo.txt", PpmOpenFlags.Rdwr | LowerLayer);
        yield return OpenAt(6, 3, "hosts", PpmOpenFlags.Rdonly | UpperLayer | LowerLayer);
        yield return E(59).Fd(7).Path("/tmp/made").UInt32(420).UInt32(2049).UInt64(107).UInt16(1).Build();
        yield return E(59).Fd(8).Path("lower.txt").UInt32(420).UInt32(2049).UInt64(108).UInt16(2).Build();
        yield return E(177).Errno(0).Fd(3).Path("old").Fd(AtFdCwd).Path("new").Build();
        yield return E(319).Errno(0).Fd(AtFdCwd).Path("/abs/from").Fd(3).Path("to").UInt32(0).Build();
        yield return E(181).Errno(0).CharBuf("/etc/passwd").Fd(3).Path("link").Build();
        yield return E(311).Errno(0).Fd(AtFdCwd).Path("src").Fd(3).Path("/abs/dst").UInt32(0).Build();
        yield return E(303).Errno(-2).Fd(99).Path("gone").UInt32(0).Build();
        yield return E(303).Errno(0).Fd(3).Path("../tmp/x").UInt32(0).Build();
        yield return E(305).Errno(0).Fd(3).Path("sub/dir/").UInt32(493).Build();
        yield return E(313).Errno(0).Fd(AtFdCwd).Path("../other/./f").UInt32(420).Build();
        // Two connected sockets for the address lists.
        yield return E(19).Fd(9).UInt32(2).UInt32(1).UInt32(6).UInt32(0).Build();
        yield return E(23).Errno(0).SockTupleV4("127.0.0.1", 40100, "127.0.0.1", 8080).Fd(9).SockAddrV4("127.0.0.1", 8080).Build();
        yield return E(19).Fd(10).UInt32(10).UInt32(1).UInt32(6).UInt32(0).Build();
        yield return E(23).Errno(0).SockTupleV6("::1", 40200, "::1", 8443).Fd(10).SockAddrV6("::1", 8443).Build();
        yield return E(81).Errno(2).Raw(FdList(3, 4, 9, 10, 42)).Int64(1000).Build();
        yield return E(255).Errno(1).Raw(FdList(42, 9)).UInt64(5_000_000).UInt32(0).Build();
        yield return E(81).Errno(0).Raw(FdList(4, 5)).Int64(0).Build();
        yield return E(81).Errno(0).Raw(FdList()).Int64(0).Build();
        // The same threads' second procinfo: thread.cpu* against the first.
        yield return E(234).UInt64(90).UInt64(30).Build();
        yield return EventBuilder.Create(234, 0, 1).UInt64(300).UInt64(3).Build();
    }
}
