using System.Buffers.Binary;
using System.Net;
using System.Text;
using Falconet.Core.Events;

namespace Falconet.Scap;

/// <summary>
/// Builds synthetic <see cref="ScapEvent"/>s parameter by parameter, in the scap wire encodings (little-endian, length-prefixed parameters).
/// <code>EventBuilder.Create(23, ts, tid).Errno(0).SockTupleV4("10.0.0.5", 54321, "93.184.216.34", 80).Fd(3).SockAddrV4("93.184.216.34", 80).Build()</code>
/// <see cref="Build"/> checks the parameters against the event table (count, and the width of fixed-size types)
/// so a test cannot silently build an event no reader would produce.
/// </summary>
public sealed class EventBuilder
{
    private readonly ScapEvent _event = new();
    private ulong _number;
    private ushort _cpu;
    private uint _blockFlags;

    private EventBuilder(ushort type, ulong timestamp, long threadId)
    {
        if (!EventTable.IsKnown(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "event type unknown to the event table");
        }
        _event.Reset(type, timestamp, threadId);
    }

    /// <summary>Starts an event of <paramref name="type"/> at <paramref name="timestamp"/> (ns) on thread <paramref name="threadId"/>.</summary>
    public static EventBuilder Create(ushort type, ulong timestamp, long threadId) => new(type, timestamp, threadId);

    /// <summary>Sets the event number (what <c>evt.num</c> shows).</summary>
    public EventBuilder Number(ulong number)
    {
        _number = number;
        return this;
    }

    /// <summary>Sets the CPU the event claims to come from.</summary>
    public EventBuilder Cpu(ushort cpu)
    {
        _cpu = cpu;
        return this;
    }

    /// <summary>EVF block flags; 1 = state only.</summary>
    public EventBuilder BlockFlags(uint flags)
    {
        _blockFlags = flags;
        return this;
    }

    /// <summary>A zero-length parameter: "absent" (e.g. the tuple of a failed connect).</summary>
    public EventBuilder Empty() => Raw([]);

    /// <summary>Appends a parameter of exactly these bytes (empty = absent).</summary>
    public EventBuilder Raw(ReadOnlySpan<byte> bytes)
    {
        _event.AppendParam(bytes);
        return this;
    }

    /// <summary>An i8 parameter.</summary>
    public EventBuilder Int8(sbyte value) => Raw([(byte)value]);

    /// <summary>A u8 parameter.</summary>
    public EventBuilder UInt8(byte value) => Raw([value]);

    /// <summary>A little-endian i16 parameter.</summary>
    public EventBuilder Int16(short value) => LittleEndian(value);

    /// <summary>A little-endian u16 parameter.</summary>
    public EventBuilder UInt16(ushort value) => LittleEndian(value);

    /// <summary>A little-endian i32 parameter.</summary>
    public EventBuilder Int32(int value) => LittleEndian(value);

    /// <summary>A little-endian u32 parameter.</summary>
    public EventBuilder UInt32(uint value) => LittleEndian(value);

    /// <summary>A little-endian i64 parameter.</summary>
    public EventBuilder Int64(long value) => LittleEndian(value);

    /// <summary>A little-endian u64 parameter.</summary>
    public EventBuilder UInt64(ulong value) => LittleEndian(value);

    // Scap parameters are little-endian whatever the host's byte order.
    private EventBuilder LittleEndian<T>(T value)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        Span<byte> b = stackalloc byte[System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
        value.WriteLittleEndian(b);
        return Raw(b);
    }

    /// <summary>PT_ERRNO: i64, negative = -errno.</summary>
    public EventBuilder Errno(long value) => Int64(value);

    /// <summary>PT_FD: i64.</summary>
    public EventBuilder Fd(long value) => Int64(value);

    /// <summary>PT_PID: i64.</summary>
    public EventBuilder Pid(long value) => Int64(value);

    /// <summary>PT_CHARBUF / PT_FSPATH / PT_FSRELPATH: UTF-8 bytes plus the terminating NUL.</summary>
    public EventBuilder CharBuf(string value)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return Raw(bytes);
    }

    /// <summary>PT_FSPATH / PT_FSRELPATH (same encoding as CHARBUF).</summary>
    public EventBuilder Path(string value) => CharBuf(value);

    /// <summary>PT_BYTEBUF with the UTF-8 bytes of <paramref name="value"/>, no terminator.</summary>
    public EventBuilder ByteBuf(string value) => Raw(Encoding.UTF8.GetBytes(value));

    /// <summary>A NUL-list in a PT_BYTEBUF: each item followed by NUL (args, env, cgroups).</summary>
    public EventBuilder NulList(params string[] items)
    {
        var sb = new StringBuilder();
        foreach (string item in items)
        {
            sb.Append(item).Append('\0');
        }
        return ByteBuf(sb.ToString());
    }

    /// <summary>PT_SOCKADDR AF_INET: family 2, ip (network order), port (host order).</summary>
    public EventBuilder SockAddrV4(string ip, ushort port) => SockAddrInet(2, ParseIp(ip, 4), port);

    /// <summary>PT_SOCKADDR AF_INET6: family 10, ip[16], port.</summary>
    public EventBuilder SockAddrV6(string ip, ushort port) => SockAddrInet(10, ParseIp(ip, 16), port);

    /// <summary>PT_SOCKADDR AF_UNIX: family 1, path, NUL.</summary>
    public EventBuilder SockAddrUnix(string path)
    {
        var bytes = new List<byte> { 1 };
        bytes.AddRange(Encoding.UTF8.GetBytes(path));
        bytes.Add(0);
        return Raw(bytes.ToArray());
    }

    /// <summary>PT_SOCKTUPLE AF_INET: family 2, sip[4], sport, dip[4], dport.</summary>
    public EventBuilder SockTupleV4(string sourceIp, ushort sourcePort, string destinationIp, ushort destinationPort) =>
        SockTupleInet(2, ParseIp(sourceIp, 4), sourcePort, ParseIp(destinationIp, 4), destinationPort);

    /// <summary>PT_SOCKTUPLE AF_INET6: family 10, sip[16], sport, dip[16], dport.</summary>
    public EventBuilder SockTupleV6(string sourceIp, ushort sourcePort, string destinationIp, ushort destinationPort) =>
        SockTupleInet(10, ParseIp(sourceIp, 16), sourcePort, ParseIp(destinationIp, 16), destinationPort);

    /// <summary>PT_SOCKTUPLE AF_UNIX: family 1, u64 source, u64 destination (kernel socket identities), path, NUL.</summary>
    public EventBuilder SockTupleUnix(ulong source, ulong destination, string path)
    {
        byte[] pathBytes = Encoding.UTF8.GetBytes(path);
        byte[] b = new byte[1 + 16 + pathBytes.Length + 1];
        b[0] = 1;
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(1), source);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(9), destination);
        pathBytes.CopyTo(b, 17);
        return Raw(b);
    }

    /// <summary>Returns the finished event (a new instance per builder).</summary>
    public ScapEvent Build()
    {
        Validate();
        _event.Number = _number;
        _event.Cpu = _cpu;
        _event.BlockFlags = _blockFlags;
        return _event;
    }

    // ---- Common events in the current (HEAD) layouts -------------------------------------------------

    /// <summary>openat exit (307): fd, dirfd, name, flags (PPM_O_*), mode, dev, ino.</summary>
    public static ScapEvent OpenatExit(ulong ts, long tid, long fd, string path, uint flags = 1, long dirFd = WireConstants.AtFdCwd, uint mode = 0, uint dev = 0, ulong ino = 0) =>
        Create(EventTable.IdOf("PPME_SYSCALL_OPENAT_2_X"), ts, tid).Fd(fd).Fd(dirFd).Path(path).UInt32(flags).UInt32(mode).UInt32(dev).UInt64(ino).Build();

    /// <summary>close exit (5): res, fd.</summary>
    public static ScapEvent CloseExit(ulong ts, long tid, long fd, long res = 0) =>
        Create(5, ts, tid).Errno(res).Fd(fd).Build();

    /// <summary>socket exit (19): fd, domain (2 INET, 10 INET6, 1 UNIX), type, proto, flags.</summary>
    public static ScapEvent SocketExit(ulong ts, long tid, long fd, uint domain = 2, uint type = 1, uint proto = 0) =>
        Create(19, ts, tid).Fd(fd).UInt32(domain).UInt32(type).UInt32(proto).UInt32(0).Build();

    /// <summary>connect enter (22): fd, addr (IPv4).</summary>
    public static ScapEvent ConnectEnterV4(ulong ts, long tid, long fd, string ip, ushort port) =>
        Create(22, ts, tid).Fd(fd).SockAddrV4(ip, port).Build();

    /// <summary>connect exit (23) for IPv4: res, tuple local→remote, fd, addr (remote); the tuple is empty when res fails.</summary>
    public static ScapEvent ConnectExitV4(ulong ts, long tid, long fd, string localIp, ushort localPort, string remoteIp, ushort remotePort, long res = 0)
    {
        EventBuilder b = Create(23, ts, tid).Errno(res);
        b = res >= 0 || res == -115 ? b.SockTupleV4(localIp, localPort, remoteIp, remotePort) : b.Empty();
        return b.Fd(fd).SockAddrV4(remoteIp, remotePort).Build();
    }

    /// <summary>read exit (7): res, data, fd, size.</summary>
    public static ScapEvent ReadExit(ulong ts, long tid, long fd, string data) =>
        Create(7, ts, tid).Errno(Encoding.UTF8.GetByteCount(data)).ByteBuf(data).Fd(fd).UInt32((uint)Encoding.UTF8.GetByteCount(data)).Build();

    /// <summary>write exit (9): res, data, fd, size.</summary>
    public static ScapEvent WriteExit(ulong ts, long tid, long fd, string data) =>
        Create(9, ts, tid).Errno(Encoding.UTF8.GetByteCount(data)).ByteBuf(data).Fd(fd).UInt32((uint)Encoding.UTF8.GetByteCount(data)).Build();

    /// <summary>procexit (186): status, ret, sig, core, reaper_tid.</summary>
    public static ScapEvent ProcExit(ulong ts, long tid, long status = 0, long reaperTid = 0) =>
        Create(EventTable.IdOf("PPME_PROCEXIT_1_E"), ts, tid).Errno(status).Errno(status >> 8).UInt8(0).UInt8(0).Pid(reaperTid).Build();

    /// <summary>clone exit (223, CLONE_20_X) as seen by the parent (res = child tid) or the child (res = 0).</summary>
    public static ScapEvent CloneExit(ulong ts, long tid, long res, string exe, string[] args, long childOrSelfTid, long pid, long ptid,
        string cwd, string comm, uint cloneFlags = 0, uint uid = 0, uint gid = 0) =>
        Create(EventTable.IdOf("PPME_SYSCALL_CLONE_20_X"), ts, tid).Pid(res).CharBuf(exe).NulList(args).Pid(childOrSelfTid).Pid(pid).Pid(ptid).CharBuf(cwd)
            .Int64(1024).UInt64(0).UInt64(0).UInt32(0).UInt32(0).UInt32(0).CharBuf(comm).Empty()
            .UInt32(cloneFlags).UInt32(uid).UInt32(gid).Pid(childOrSelfTid).Pid(pid).UInt64(0).Build();

    /// <summary>execve exit (293, EXECVE_19_X) with all 31 parameters; unlisted ones get neutral values.</summary>
    public static ScapEvent ExecveExit(ulong ts, long tid, long pid, long ptid, string exe, string[] args, string cwd, string comm,
        string exePath, uint uid = 0, uint gid = 0, uint loginUid = uint.MaxValue, string[]? env = null, long res = 0) =>
        Create(EventTable.IdOf("PPME_SYSCALL_EXECVE_19_X"), ts, tid).Errno(res).CharBuf(exe).NulList(args).Pid(tid).Pid(pid).Pid(ptid).CharBuf(cwd)
            .UInt64(1024).UInt64(0).UInt64(0).UInt32(0).UInt32(0).UInt32(0).CharBuf(comm).Empty().NulList(env ?? [])
            .UInt32(0).Pid(pid).UInt32(loginUid).UInt32(0).UInt64(0).UInt64(0).UInt64(0)
            .UInt64(0).UInt64(0).UInt64(0).UInt32(uid).Path(exePath).Pid(pid).UInt32(gid).Path(exePath).Build();

    private EventBuilder SockAddrInet(byte family, byte[] ip, ushort port)
    {
        byte[] b = new byte[1 + ip.Length + 2];
        b[0] = family;
        ip.CopyTo(b, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(1 + ip.Length), port);
        return Raw(b);
    }

    private EventBuilder SockTupleInet(byte family, byte[] sourceIp, ushort sourcePort, byte[] destinationIp, ushort destinationPort)
    {
        int n = sourceIp.Length;
        byte[] b = new byte[1 + 2 * (n + 2)];
        b[0] = family;
        sourceIp.CopyTo(b, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(1 + n), sourcePort);
        destinationIp.CopyTo(b, 3 + n);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(3 + 2 * n), destinationPort);
        return Raw(b);
    }

    private static byte[] ParseIp(string ip, int expectedLength)
    {
        byte[] bytes = IPAddress.Parse(ip).GetAddressBytes();
        if (bytes.Length != expectedLength)
        {
            throw new ArgumentException($"'{ip}' is not a {(expectedLength == 4 ? "IPv4" : "IPv6")} address", nameof(ip));
        }
        return bytes;
    }

    private void Validate()
    {
        EventInfo info = _event.Info;
        if (_event.ParamCount > info.Parameters.Count)
        {
            throw new InvalidOperationException($"{info} takes {info.Parameters.Count} parameters, {_event.ParamCount} given");
        }
        for (int i = 0; i < _event.ParamCount; i++)
        {
            int length = _event.GetParam(i).Length;
            int expected = FixedWidth(info.Parameters[i].Type);
            if (length != 0 && expected != 0 && length != expected)
            {
                throw new InvalidOperationException(
                    $"{info} parameter {i} '{info.Parameters[i].Name}' is {info.Parameters[i].Type} ({expected} bytes), {length} given");
            }
        }
    }

    private static int FixedWidth(ParamType type) => type switch
    {
        ParamType.Int8 or ParamType.Uint8 or ParamType.Sigtype or ParamType.L4proto or ParamType.Sockfamily
            or ParamType.Flags8 or ParamType.Enumflags8 => 1,
        ParamType.Int16 or ParamType.Uint16 or ParamType.Syscallid or ParamType.Port or ParamType.Flags16 or ParamType.Enumflags16 => 2,
        ParamType.Int32 or ParamType.Uint32 or ParamType.Bool or ParamType.Flags32 or ParamType.Uid or ParamType.Gid
            or ParamType.Sigset or ParamType.Mode or ParamType.Enumflags32 or ParamType.Fd32 or ParamType.Pid32 or ParamType.Ipv4addr => 4,
        ParamType.Int64 or ParamType.Uint64 or ParamType.Errno or ParamType.Fd or ParamType.Pid or ParamType.Reltime
            or ParamType.Abstime or ParamType.Double => 8,
        _ => 0,
    };
}
