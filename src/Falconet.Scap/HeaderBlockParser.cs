using System.Buffers.Binary;
using System.Net;
using System.Text;
using Falconet.Core.Snapshot;

namespace Falconet.Scap;

/// <summary>
/// Turns the bodies of the header-region blocks (MI, IL, UL, PL, FDL) into snapshot records.
/// Problems are reported as <see cref="MalformedBlockException"/> naming the entry and field.
/// </summary>
internal static class HeaderBlockParser
{
    /// <summary>Size of an MI body: cpus, memory, max pid, hostname, boot time and reserved bytes.</summary>
    public const int MachineInfoBodySize = 180;
    private const int CompatTailMaxSize = 29;

    private delegate void ListParser(ReadOnlySpan<byte> body, int version, ISnapshotSink sink);

    /// <summary>Parses the body of header-region block <paramref name="block"/>; unknown kinds are skipped, as libscap does.</summary>
    public static void Parse(BlockClass block, ReadOnlySpan<byte> body, ISnapshotSink sink)
    {
        ListParser? list = block.Kind switch
        {
            BlockKind.InterfaceList => ParseInterfaceList,
            BlockKind.UserList => ParseUserList,
            BlockKind.ProcessList => ParseProcessList,
            BlockKind.FdList => ParseFdList,
            _ => null,
        };
        if (list is not null)
        {
            list(body, block.Version, sink);
        }
        else if (block.Kind == BlockKind.SectionHeader)
        {
            ParseSectionHeader(body);
        }
        else if (block.Kind == BlockKind.MachineInfo)
        {
            ParseMachineInfo(body, sink);
        }
    }

    /// <summary>Parses an MI body: exactly <see cref="MachineInfoBodySize"/> bytes.</summary>
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
        ReadOnlySpan<byte> host = c.Take(ScapLimits.HostnameSize, "hostname");
        int nul = host.IndexOf((byte)0);
        string hostname = Encoding.UTF8.GetString(nul >= 0 ? host[..nul] : host);
        ulong bootTs = c.U64("boot_ts_epoch");
        sink.OnMachineInfo(new MachineInfo(cpus, memory, maxPid, hostname, bootTs));
    }

    /// <summary>Parses an IL body (v1 or v2) into interfaces.</summary>
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
            if (nameLength > ScapLimits.MaxInterfaceNameLength)
            {
                throw new MalformedBlockException($"interface name length {nameLength} at body offset {entryStart} exceeds {ScapLimits.MaxInterfaceNameLength}");
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

    /// <summary>Parses a UL body (v1 or v2) into users and groups.</summary>
    public static void ParseUserList(ReadOnlySpan<byte> body, int version, ISnapshotSink sink)
    {
        var c = new SpanCursor(body);
        while (c.Remaining >= 4)
        {
            SpanCursor entry = NextEntry(body, ref c, version >= 2, "user", out _, out int entryEnd);
            byte type = entry.U8("user entry type");
            if (type == 0)
            {
                uint uid = entry.U32("uid");
                uint gid = entry.U32("gid");
                string name = entry.Str16("user name", ScapLimits.MaxUserStringLength);
                string home = entry.Str16("home directory", ScapLimits.MaxUserStringLength);
                string shell = entry.Str16("shell", ScapLimits.MaxUserStringLength);
                sink.OnUser(new UserRecord(uid, gid, name, home, shell));
            }
            else
            {
                uint gid = entry.U32("gid");
                string name = entry.Str16("group name", ScapLimits.MaxUserStringLength);
                sink.OnGroup(new GroupRecord(gid, name));
            }
            c.Offset = entryEnd >= 0 ? entryEnd : entry.Offset;
        }
    }

    /// <summary>Parses a PL body (every version) into threads.</summary>
    public static void ParseProcessList(ReadOnlySpan<byte> body, int version, ISnapshotSink sink)
    {
        var c = new SpanCursor(body);
        while (c.Remaining >= 4)
        {
            SpanCursor e = NextEntry(body, ref c, version >= 9, "thread", out _, out int entryEnd);
            ThreadRecord t = ParseThread(ref e, version);
            c.Offset = entryEnd >= 0 ? entryEnd : e.Offset;
            sink.OnThread(t);
        }
    }

    /// <summary>
    /// Opens the next entry of a PL, FDL or UL body at <paramref name="c"/>. With a length prefix (which
    /// counts its own 4 bytes) the entry is a cursor over just its bytes, past the prefix, and
    /// <paramref name="entryEnd"/> is where the next one starts; without one the entry is read in place
    /// (<paramref name="entryEnd"/> = -1) and the next starts where the reading stops.
    /// </summary>
    private static SpanCursor NextEntry(ReadOnlySpan<byte> body, ref SpanCursor c, bool lengthPrefixed, string what, out int entryStart, out int entryEnd)
    {
        entryStart = c.Offset;
        if (!lengthPrefixed)
        {
            entryEnd = -1;
            return c;
        }
        uint length = c.U32(what + " entry length");
        if (length < 4 || length > (uint)(body.Length - entryStart))
        {
            throw new MalformedBlockException($"{what} entry at body offset {entryStart} declares {length} bytes, {body.Length - entryStart} left");
        }
        entryEnd = entryStart + (int)length;
        return new SpanCursor(body.Slice(entryStart, (int)length)) { Offset = 4 };
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
        t.Comm = e.Str16("comm", ScapLimits.MaxPathLength);
        t.Exe = e.Str16("exe", ScapLimits.MaxPathLength);
        if (version >= 7)
        {
            t.ExePath = e.Str16("exepath", ScapLimits.MaxPathLength);
        }
        t.Args = e.NulList16("args", ScapLimits.MaxArgsLength);
        t.Cwd = e.Str16("cwd", ScapLimits.MaxPathLength);
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
            t.Env = e.NulList16("env", ScapLimits.MaxArgsLength);
        }
        if (version >= 4)
        {
            t.Vtid = e.I64("vtid");
            t.Vpid = e.I64("vpid");
            t.Cgroups = e.NulList16("cgroups", ScapLimits.MaxArgsLength);
        }
        if (version >= 5)
        {
            t.Root = e.Str16("root", ScapLimits.MaxPathLength);
        }
        if (version >= 9)
        {
            ParseV9Tail(ref e, t);
        }
        return t;
    }

    /// <summary>
    /// Two incompatible tails follow root in PL_V9 entries: the old "compat" one (≤ 29 bytes) and the
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

    /// <summary>Parses an FDL body (one thread's fds, every version).</summary>
    public static void ParseFdList(ReadOnlySpan<byte> body, int version, ISnapshotSink sink)
    {
        var c = new SpanCursor(body);
        long tid = (long)c.U64("fd list tid");
        while (c.Remaining >= 4)
        {
            SpanCursor e = NextEntry(body, ref c, version >= 2, "fd", out int entryStart, out int entryEnd);
            FdRecord fd = ParseFd(ref e, tid, version, entryStart);
            c.Offset = entryEnd >= 0 ? entryEnd : e.Offset;
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

    private static string FdName(ref SpanCursor e) => e.Str16("fd name", ScapLimits.MaxFdNameLength);

    /// <summary>Checks an SHB body's byte order and version; returns the version.</summary>
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
