using System.Net;
using System.Reflection;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.TestKit;

namespace Falconet.Scap.Tests;

/// <summary>A small but complete synthetic capture (every header record kind, ordinary, flagged and large events) and comparison helpers.</summary>
internal static class SyntheticCapture
{
    public const long CurlTid = 4242;
    public const ulong BaseTs = 1_700_000_000_000_000_000;

    public static ScapSnapshot Snapshot()
    {
        var s = new ScapSnapshot
        {
            Machine = new MachineInfo(4, 8UL << 30, 4_194_304, "synth-host", 1_699_999_000_000_000_000),
        };
        s.Interfaces.Add(new InterfaceAddress("lo", IPAddress.Parse("127.0.0.1"), IPAddress.Parse("255.0.0.0"), IPAddress.Parse("127.255.255.255"), 0));
        s.Interfaces.Add(new InterfaceAddress("eth0", IPAddress.Parse("10.0.0.5"), IPAddress.Parse("255.255.255.0"), IPAddress.Parse("10.0.0.255"), 1000));
        s.Interfaces.Add(new InterfaceAddress("eth0", IPAddress.Parse("2001:db8::5"), IPAddress.Parse("ffff:ffff:ffff:ffff::"), IPAddress.Parse("::"), 1000));
        s.Users.Add(new UserRecord(0, 0, "root", "/root", "/bin/bash"));
        s.Users.Add(new UserRecord(1000, 1000, "alice", "/home/alice", "/bin/zsh"));
        s.Groups.Add(new GroupRecord(0, "root"));
        s.Groups.Add(new GroupRecord(1000, "alice"));
        s.Threads.Add(new ThreadRecord
        {
            Tid = 1, Pid = 1, ParentTid = 0, Sid = 1, Vpgid = 1, Comm = "systemd", Exe = "/sbin/init", ExePath = "/usr/lib/systemd/systemd",
            Args = ["splash"], Cwd = "/", FdLimit = 1024, Uid = 0, Gid = 0, Vtid = 1, Vpid = 1, Root = "/",
        });
        s.Threads.Add(new ThreadRecord
        {
            Tid = CurlTid, Pid = CurlTid, ParentTid = 4000, Sid = 4000, Vpgid = 4242, Comm = "curl", Exe = "curl", ExePath = "/usr/bin/curl",
            Args = ["-s", "http://example.com/"], Cwd = "/home/alice", FdLimit = 65536, Flags = 0, Uid = 1000, Gid = 1000,
            VmSizeKb = 12000, VmRssKb = 3000, VmSwapKb = 1, PageFaultsMajor = 2, PageFaultsMinor = 300,
            Env = ["HOME=/home/alice", "LANG=C.UTF-8"], Vtid = 17, Vpid = 17, Cgroups = ["cpu=/user.slice", "memory=/user.slice"],
            Root = "/", LoginUid = 1000, ExeWritable = true, CapInheritable = 0, CapPermitted = 0x1FF, CapEffective = 0x3,
        });
        s.Threads.Add(new ThreadRecord
        {
            Tid = CurlTid + 1, Pid = CurlTid, ParentTid = 4000, Comm = "curl", Exe = "curl", ExePath = "/usr/bin/curl",
            Args = ["-s", "http://example.com/"], Cwd = "/home/alice", Flags = 0x2001, Uid = 1000, Gid = 1000, LoginUid = 1000,
        });
        s.Fds.Add(new FdRecord { Tid = CurlTid, Fd = 0, Ino = 7, Type = ScapFdType.FileV2, Name = "/dev/pts/0", OpenFlags = 3, Dev = 0x88 });
        s.Fds.Add(new FdRecord { Tid = CurlTid, Fd = 3, Type = ScapFdType.Directory, Name = "/home/alice" });
        s.Fds.Add(new FdRecord
        {
            Tid = CurlTid, Fd = 5, Ino = 99, Type = ScapFdType.Ipv4Socket, SourceIp = IPAddress.Parse("10.0.0.5"), SourcePort = 40000,
            DestinationIp = IPAddress.Parse("93.184.216.34"), DestinationPort = 443, L4Proto = 2,
        });
        s.Fds.Add(new FdRecord
        {
            Tid = CurlTid, Fd = 6, Type = ScapFdType.Ipv6Socket, SourceIp = IPAddress.Parse("2001:db8::5"), SourcePort = 50000,
            DestinationIp = IPAddress.Parse("2001:db8::1"), DestinationPort = 443, L4Proto = 2,
        });
        s.Fds.Add(new FdRecord { Tid = 1, Fd = 7, Type = ScapFdType.Ipv4ServerSocket, SourceIp = IPAddress.Parse("0.0.0.0"), SourcePort = 111, L4Proto = 2 });
        s.Fds.Add(new FdRecord { Tid = 1, Fd = 8, Type = ScapFdType.Ipv6ServerSocket, SourceIp = IPAddress.Parse("::"), SourcePort = 22, L4Proto = 2 });
        s.Fds.Add(new FdRecord { Tid = 1, Fd = 9, Type = ScapFdType.UnixSocket, UnixSource = 0xffff9a0000001000, UnixDestination = 0xffff9a0000002000, Name = "/run/test.sock" });
        s.Fds.Add(new FdRecord { Tid = 1, Fd = 10, Type = ScapFdType.EventPoll, Name = "anon_inode:[eventpoll]" });
        s.Fds.Add(new FdRecord { Tid = 1, Fd = 11, Type = ScapFdType.Memfd, Name = "memfd:x" });
        return s;
    }

    /// <summary>
    /// Events: enter/exit pairs in the HEAD layouts, one state-only (EVF flags 1) event, a CONTAINER_JSON_2 event (324,
    /// large payload, u32 lengths) with a parameter larger than 64 KiB, and an event on another cpu.
    /// </summary>
    public static List<ScapEvent> Events()
    {
        ulong ts = BaseTs;
        string bigJson = "{\"container\":{\"id\":\"abcdef123456\",\"labels\":\"" + new string('x', 70_000) + "\"}}";
        return
        [
            EventBuilder.Create(324, ts++, -1).CharBuf(bigJson).Build(),
            EventBuilder.Create(306, ts++, CurlTid).Fd(-100).Path("/etc/hosts").UInt32(1).UInt32(0).Build(),
            EventBuilder.OpenatExit(ts++, CurlTid, 4, "/etc/hosts", dev: 0x803, ino: 1234),
            EventBuilder.ReadExit(ts++, CurlTid, 4, "127.0.0.1 localhost\n"),
            EventBuilder.SocketExit(ts++, CurlTid, 12),
            EventBuilder.ConnectEnterV4(ts++, CurlTid, 12, "93.184.216.34", 80),
            EventBuilder.ConnectExitV4(ts++, CurlTid, 12, "10.0.0.5", 54321, "93.184.216.34", 80),
            EventBuilder.Create(31, ts++, CurlTid).Errno(18).ByteBuf("GET / HTTP/1.1\r\n\r\n").Fd(12).UInt32(18)
                .SockTupleV4("10.0.0.5", 54321, "93.184.216.34", 80).BlockFlags(1).Build(),
            EventBuilder.Create(23, ts++, CurlTid + 1).Errno(-111).Empty().Fd(13).SockAddrUnix("/run/missing.sock").Cpu(3).Build(),
            EventBuilder.CloseExit(ts++, CurlTid, 12),
            EventBuilder.ProcExit(ts, CurlTid),
        ];
    }

    public static byte[] Write(ScapSnapshot snapshot, IEnumerable<ScapEvent> events, bool compress)
    {
        var output = new MemoryStream();
        using (var writer = new ScapWriter(output, compress, leaveOpen: true))
        {
            writer.WriteHeader(snapshot);
            foreach (ScapEvent e in events)
            {
                writer.WriteEvent(e);
            }
        }
        return output.ToArray();
    }

    public static (ScapSnapshot Snapshot, List<ScapEvent> Events) Read(byte[] capture, string name = "synthetic.scap")
    {
        using var reader = new ScapReader(new MemoryStream(capture), name);
        return ReadAll(reader);
    }

    public static (ScapSnapshot Snapshot, List<ScapEvent> Events) ReadAll(ScapReader reader)
    {
        var snapshot = new ScapSnapshot();
        reader.ReadHeader(snapshot);
        var events = new List<ScapEvent>();
        var evt = new ScapEvent();
        while (reader.TryReadEvent(evt))
        {
            var copy = new ScapEvent();
            copy.CopyFrom(evt);
            events.Add(copy);
        }
        return (snapshot, events);
    }

    /// <summary>The block ids of a plain capture, in file order.</summary>
    public static List<uint> BlockTypes(byte[] plainCapture)
    {
        var types = new List<uint>();
        for (int offset = 0; offset < plainCapture.Length;)
        {
            types.Add(BitConverter.ToUInt32(plainCapture, offset));
            offset += (int)BitConverter.ToUInt32(plainCapture, offset + 4);
        }
        return types;
    }

    public static void AssertSameEvent(ScapEvent expected, ScapEvent actual, string context)
    {
        Assert.True(expected.Type == actual.Type, $"{context}: type {actual.Type}, expected {expected.Type}");
        Assert.True(expected.Timestamp == actual.Timestamp, $"{context}: ts {actual.Timestamp}, expected {expected.Timestamp}");
        Assert.True(expected.ThreadId == actual.ThreadId, $"{context}: tid {actual.ThreadId}, expected {expected.ThreadId}");
        Assert.True(expected.Cpu == actual.Cpu, $"{context}: cpu {actual.Cpu}, expected {expected.Cpu}");
        Assert.True(expected.BlockFlags == actual.BlockFlags, $"{context}: flags {actual.BlockFlags}, expected {expected.BlockFlags}");
        Assert.True(expected.ParamCount == actual.ParamCount, $"{context}: {actual.ParamCount} params, expected {expected.ParamCount}");
        for (int i = 0; i < expected.ParamCount; i++)
        {
            Assert.True(expected.GetParam(i).SequenceEqual(actual.GetParam(i)), $"{context}: parameter {i} differs");
        }
    }

    /// <summary>Every public property equal (arrays element-wise); the type of FILE fds may become FILE_V2 when <paramref name="fileBecomesFileV2"/>.</summary>
    public static void AssertSameRecords<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, bool fileBecomesFileV2 = false)
        where T : class
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            foreach (PropertyInfo p in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                object? e = p.GetValue(expected[i]);
                object? a = p.GetValue(actual[i]);
                if (fileBecomesFileV2 && e is ScapFdType.File)
                {
                    e = ScapFdType.FileV2;
                }
                bool same = e is string[] ea && a is string[] aa ? ea.SequenceEqual(aa) : Equals(e, a);
                Assert.True(same, $"{typeof(T).Name} #{i} {p.Name}: '{Show(a)}', expected '{Show(e)}'");
            }
        }
    }

    private static string Show(object? value) => value is string[] items ? string.Join("|", items) : value?.ToString() ?? "null";
}
