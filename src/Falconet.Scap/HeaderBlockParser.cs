using System.Buffers.Binary;
using System.Net;
using System.Text;
using Falconet.Core.Snapshot;

namespace Falconet.Scap;

/// <summary>
/// Turns the bodies of the header-region blocks (MI, IL, UL, PL, FDL; scap-format.md §1.6–§1.10) into snapshot records.
/// Problems are reported as <see cref="MalformedBlockException"/> naming the entry and field.
/// </summary>
internal static class HeaderBlockParser
{
    public const int MachineInfoBodySize = 180;
    private const int MaxPathLength = 1024;
    private const int MaxArgsLength = 4096;
    private const int MaxUserStringLength = 255;
    private const int MaxInterfaceNameLength = 1023;
    private const int MaxFdNameLength = 1023;
    private const int CompatTailMaxSize = 29;

    public static void ParseMachineInfo(ReadOnlySpan<byte> body, ISnapshotSink sink)
    {
        if (body.Length != MachineInfoBodySize)
        {
            throw new MalformedBlockException($"machine info body is {body.Length} bytes, expected {MachineInfoBodySize}");
        }
        var c = new SpanCursor(body);
        uint cpus = c.U32("num_cpus");
        ulong memory = c.U64("memory_size_bytes");
        ulong maxPid = c.U64("max_pid");
        ReadOnlySpan<byte> host = c.Take(128, "hostname");
        int nul = host.IndexOf((byte)0);
        string hostname = Encoding.UTF8.GetString(nul >= 0 ? host[..nul] : host);
        ulong bootTs = c.U64("boot_ts_epoch");
        sink.OnMachineInfo(new MachineInfo(cpus, memory, maxPid, hostname, bootTs));
    }

    public static void ParseInterfaceList(ReadOnlySpan<byte> body, int version, ISnapshotSink sink)
    {
        var c = new SpanCursor(body);
        while (c.Remaining >= 4)
        {
            int entryStart = c.Offset;
            int entryEnd = -1;
            if (version >= 2)
            {
                // IL_V2 entry lengths do not count their own 4 bytes (unlike PL/FDL/UL).
                uint entryLength = c.U32("interface entry length");
                if (entryLength > (uint)c.Remaining)
                {
                    throw new MalformedBlockException($"interface entry at body offset {entryStart} declares {entryLength} bytes, only {c.Remaining} left");
                }
                entryEnd = c.Offset + (int)entryLength;
            }
            ushort type = c.U16("interface type");
            int addressSize = type switch
            {
                1 or 3 => 4,
                2 or 4 => 16,
                _ => 0,
            };
            if (addressSize == 0)
            {
                if (entryEnd < 0)
                {
                    throw new MalformedBlockException($"unknown interface type {type} at body offset {entryStart}");
                }
                c.Offset = entryEnd;
                continue;
            }
            ushort nameLength = c.U16("interface name length");
            if (nameLength > MaxInterfaceNameLength)
            {
                throw new MalformedBlockException($"interface name length {nameLength} at body offset {entryStart} exceeds {MaxInterfaceNameLength}");
            }
            var address = new IPAddress(c.Take(addressSize, "interface address"));
            var netmask = new IPAddress(c.Take(addressSize, "interface netmask"));
            var broadcast = new IPAddress(c.Take(addressSize, "interface broadcast"));
            ulong linkSpeed = type is 1 or 2 ? c.U64("interface link speed") : 0;
            string name = Encoding.UTF8.GetString(c.Take(nameLength, "interface name"));
            sink.OnInterface(new InterfaceAddress(name, address, netmask, broadcast, linkSpeed));
            if (entryEnd >= 0)
            {
                if (c.Offset > entryEnd)
                {
                    throw new MalformedBlockException($"interface entry at body offset {entryStart} is longer than its declared length");
                }
                c.Offset = entryEnd;
            }
        }
    }

    public static void ParseUserList(ReadOnlySpan<byte> body, int version, ISnapshotSink sink)
    {
        var c = new SpanCursor(body);
        while (c.Remaining >= 4)
        {
            int entryStart = c.Offset;
            SpanCursor entry = c;
            if (version >= 2)
            {
                uint entryLength = c.U32("user entry length");
                if (entryLength < 4 || entryLength > (uint)(body.Length - entryStart))
                {
                    throw new MalformedBlockException($"user entry at body offset {entryStart} declares {entryLength} bytes, {body.Length - entryStart} left");
                }
                entry = new SpanCursor(body.Slice(entryStart, (int)entryLength)) { Offset = 4 };
                c.Offset = entryStart + (int)entryLength;
            }
            byte type = entry.U8("user entry type");
            if (type == 0)
            {
                uint uid = entry.U32("uid");
                uint gid = entry.U32("gid");
                string name = entry.Str16("user name", MaxUserStringLength);
                string home = entry.Str16("home directory", MaxUserStringLength);
                string shell = entry.Str16("shell", MaxUserStringLength);
                sink.OnUser(new UserRecord(uid, gid, name, home, shell));
            }
            else
            {
                uint gid = entry.U32("gid");
                string name = entry.Str16("group name", MaxUserStringLength);
                sink.OnGroup(new GroupRecord(gid, name));
            }
            if (version < 2)
            {
                c.Offset = entry.Offset; // v1 entries were read in place: the copy is at the next entry
            }
        }
    }

    public static void ParseProcessList(ReadOnlySpan<byte> body, int version, ISnapshotSink sink)
    {
        var c = new SpanCursor(body);
        while (c.Remaining >= 4)
        {
            int entryStart = c.Offset;
            SpanCursor e = c;
            int entryLength = -1;
            if (version >= 9)
            {
                uint length = c.U32("thread entry length");
                if (length < 4 || length > (uint)(body.Length - entryStart))
                {
                    throw new MalformedBlockException($"thread entry at body offset {entryStart} declares {length} bytes, {body.Length - entryStart} left");
                }
                entryLength = (int)length;
                e = new SpanCursor(body.Slice(entryStart, entryLength)) { Offset = 4 };
            }
            ThreadRecord t = ParseThread(ref e, version);
            c.Offset = version >= 9 ? entryStart + entryLength : e.Offset;
            sink.OnThread(t);
        }
    }

    private static ThreadRecord ParseThread(ref SpanCursor e, int version)
    {
        var t = new ThreadRecord
        {
            Tid = (long)e.U64("tid"),
            Pid = (long)e.U64("pid"),
            ParentTid = (long)e.U64("ptid"),
        };
        if (version >= 6)
        {
            t.Sid = e.I64("sid");
        }
        if (version >= 8)
        {
            t.Vpgid = e.I64("vpgid");
        }
        t.Comm = e.Str16("comm", MaxPathLength);
        t.Exe = e.Str16("exe", MaxPathLength);
        if (version >= 7)
        {
            t.ExePath = e.Str16("exepath", MaxPathLength);
        }
        t.Args = e.NulList16("args", MaxArgsLength);
        t.Cwd = e.Str16("cwd", MaxPathLength);
        t.FdLimit = e.U64("fdlimit");
        t.Flags = e.U32("flags");
        t.Uid = e.U32("uid");
        t.Gid = e.U32("gid");
        if (version >= 2)
        {
            t.VmSizeKb = e.U32("vmsize_kb");
            t.VmRssKb = e.U32("vmrss_kb");
            t.VmSwapKb = e.U32("vmswap_kb");
            t.PageFaultsMajor = e.U64("pfmajor");
            t.PageFaultsMinor = e.U64("pfminor");
        }
        if (version >= 3)
        {
            t.Env = e.NulList16("env", MaxArgsLength);
        }
        if (version >= 4)
        {
            t.Vtid = e.I64("vtid");
            t.Vpid = e.I64("vpid");
            t.Cgroups = e.NulList16("cgroups", MaxArgsLength);
        }
        if (version >= 5)
        {
            t.Root = e.Str16("root", MaxPathLength);
        }
        if (version >= 9)
        {
            ParseV9Tail(ref e, t);
        }
        return t;
    }

    /// <summary>
    /// Two incompatible tails follow root in PL_V9 entries (§1.9): the old "compat" one (≤ 29 bytes) and the
    /// libs ≥ 0.11 one; each field is present only if the entry is long enough for it.
    /// </summary>
    private static void ParseV9Tail(ref SpanCursor e, ThreadRecord t)
    {
        if (e.Remaining <= CompatTailMaxSize)
        {
            if (e.Remaining >= 4) { t.LoginUid = e.U32("loginuid"); }
            if (e.Remaining >= 1) { t.ExeWritable = e.U8("exe_writable") != 0; }
            if (e.Remaining >= 8) { t.CapInheritable = e.U64("cap_inheritable"); }
            if (e.Remaining >= 8) { t.CapPermitted = e.U64("cap_permitted"); }
            if (e.Remaining >= 8) { t.CapEffective = e.U64("cap_effective"); }
            return;
        }
        if (e.Remaining >= 8) { t.PidNsInitStartTs = e.U64("pidns_init_start_ts"); }
        if (e.Remaining >= 4) { t.Tty = e.U32("tty"); }
        if (e.Remaining >= 4) { t.LoginUid = e.U32("loginuid"); }
        if (e.Remaining >= 1) { t.ExeWritable = e.U8("exe_writable") != 0; }
        if (e.Remaining >= 8) { t.CapInheritable = e.U64("cap_inheritable"); }
        if (e.Remaining >= 8) { t.CapPermitted = e.U64("cap_permitted"); }
        if (e.Remaining >= 8) { t.CapEffective = e.U64("cap_effective"); }
        if (e.Remaining >= 1) { t.ExeUpperLayer = e.U8("exe_upper_layer") != 0; }
        if (e.Remaining >= 8) { t.ExeIno = e.U64("exe_ino"); }
        if (e.Remaining >= 8) { t.ExeInoCtime = e.U64("exe_ino_ctime"); }
        if (e.Remaining >= 8) { t.ExeInoMtime = e.U64("exe_ino_mtime"); }
        if (e.Remaining >= 1) { t.ExeFromMemfd = e.U8("exe_from_memfd") != 0; }
        if (e.Remaining >= 1) { t.ExeLowerLayer = e.U8("exe_lower_layer") != 0; }
        if (e.Remaining >= 8) { t.Pgid = e.I64("pgid"); }
    }

    public static void ParseFdList(ReadOnlySpan<byte> body, int version, ISnapshotSink sink)
    {
        var c = new SpanCursor(body);
        long tid = (long)c.U64("fd list tid");
        while (c.Remaining >= 4)
        {
            int entryStart = c.Offset;
            SpanCursor e = c;
            int entryLength = -1;
            if (version >= 2)
            {
                uint length = c.U32("fd entry length");
                if (length < 4 || length > (uint)(body.Length - entryStart))
                {
                    throw new MalformedBlockException($"fd entry at body offset {entryStart} declares {length} bytes, {body.Length - entryStart} left");
                }
                entryLength = (int)length;
                e = new SpanCursor(body.Slice(entryStart, entryLength)) { Offset = 4 };
            }
            FdRecord fd = ParseFd(ref e, tid, version, entryStart);
            c.Offset = version >= 2 ? entryStart + entryLength : e.Offset;
            sink.OnFd(fd);
        }
    }

    private static FdRecord ParseFd(ref SpanCursor e, long tid, int version, int entryStart)
    {
        var fd = new FdRecord
        {
            Tid = tid,
            Fd = e.I64("fd"),
            Ino = e.U64("ino"),
        };
        byte type = e.U8("fd type");
        fd.Type = (ScapFdType)type;
        switch (fd.Type)
        {
            case ScapFdType.Unknown:
                break;
            case ScapFdType.Ipv4Socket:
                fd.SourceIp = new IPAddress(e.Take(4, "source ip"));
                fd.DestinationIp = new IPAddress(e.Take(4, "destination ip"));
                fd.SourcePort = (ushort)e.U16("source port");
                fd.DestinationPort = (ushort)e.U16("destination port");
                fd.L4Proto = e.U8("l4proto");
                break;
            case ScapFdType.Ipv6Socket:
                fd.SourceIp = new IPAddress(e.Take(16, "source ip"));
                fd.DestinationIp = new IPAddress(e.Take(16, "destination ip"));
                fd.SourcePort = e.U16("source port");
                fd.DestinationPort = e.U16("destination port");
                fd.L4Proto = e.U8("l4proto");
                break;
            case ScapFdType.Ipv4ServerSocket:
                fd.SourceIp = new IPAddress(e.Take(4, "server ip"));
                fd.SourcePort = e.U16("server port");
                fd.L4Proto = e.U8("l4proto");
                break;
            case ScapFdType.Ipv6ServerSocket:
                fd.SourceIp = new IPAddress(e.Take(16, "server ip"));
                fd.SourcePort = e.U16("server port");
                fd.L4Proto = e.U8("l4proto");
                break;
            case ScapFdType.UnixSocket:
                fd.UnixSource = e.U64("unix source");
                fd.UnixDestination = e.U64("unix destination");
                fd.Name = FdName(ref e);
                break;
            case ScapFdType.FileV2:
                fd.OpenFlags = e.U32("open flags");
                fd.Name = FdName(ref e);
                if (version >= 2 && e.Remaining >= 4)
                {
                    fd.Dev = e.U32("dev");
                }
                break;
            case ScapFdType.File or ScapFdType.Directory or ScapFdType.Fifo or ScapFdType.Event or ScapFdType.Unsupported
                or ScapFdType.SignalFd or ScapFdType.EventPoll or ScapFdType.Inotify or ScapFdType.TimerFd or ScapFdType.Netlink
                or ScapFdType.Bpf or ScapFdType.UserFaultFd or ScapFdType.IoUring or ScapFdType.Memfd or ScapFdType.PidFd:
                fd.Name = FdName(ref e);
                break;
            default:
                if (version < 2)
                {
                    // Without an entry length there is no way to find the next entry.
                    throw new MalformedBlockException($"unknown fd type {type} in fd entry at body offset {entryStart}");
                }
                fd.Type = ScapFdType.Unsupported;
                fd.Name = $"unknown-type:[{type}]";
                break;
        }
        return fd;
    }

    private static string FdName(ref SpanCursor e) => e.Str16("fd name", MaxFdNameLength);

    public static (ushort Major, ushort Minor) ParseSectionHeader(ReadOnlySpan<byte> body)
    {
        if (body.Length < 16)
        {
            throw new MalformedBlockException($"section header body is {body.Length} bytes, at least 16 expected");
        }
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(body);
        if (magic != ScapBlockTypes.ByteOrderMagic)
        {
            throw new MalformedBlockException(magic == 0x4D3C2B1A
                ? "byte-swapped (big-endian) capture, which libscap does not read either"
                : $"bad byte-order magic 0x{magic:x8} (expected 0x1a2b3c4d)");
        }
        ushort major = BinaryPrimitives.ReadUInt16LittleEndian(body[4..]);
        ushort minor = BinaryPrimitives.ReadUInt16LittleEndian(body[6..]);
        if (major > 1)
        {
            throw new MalformedBlockException($"unsupported format version {major}.{minor} (at most 1.x is known)");
        }
        return (major, minor);
    }
}
