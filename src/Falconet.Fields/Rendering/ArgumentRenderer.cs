using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using Falconet.Core.Events;
using Falconet.State;

namespace Falconet.Fields.Rendering;

/// <summary>
/// Renders event parameters as text the way Falco/sysdig print them: a raw form (<c>4097</c>, <c>-2</c>, <c>3</c>)
/// and an optional resolved form (<c>O_RDONLY|O_CLOEXEC</c>, <c>ENOENT</c>, <c>&lt;f&gt;/etc/passwd</c>).
/// <c>evt.args</c> prints <c>name=raw</c> or <c>name=raw(resolved)</c>; <c>evt.arg.X</c> gives the resolved form when there is one.
/// An instance keeps its buffers between calls: use one per thread. Used for outputs, not for per-event filtering.
/// </summary>
public sealed class ArgumentRenderer
{
    /// <summary>The dirfd value meaning "relative to the working directory".</summary>
    public const long AtFdCwd = WireConstants.AtFdCwd;

    private readonly StringBuilder _raw = new(64);
    private readonly StringBuilder _resolved = new(64);
    private readonly StringBuilder _line = new(256);

    /// <summary>Renders parameter <paramref name="index"/>; false when the event has no such parameter.</summary>
    public bool TryRender(EventContext context, int index, out string raw, out string resolved)
    {
        if ((uint)index >= (uint)context.Event.ParamCount || index >= context.Event.Info.Parameters.Count)
        {
            raw = resolved = "";
            return false;
        }
        _raw.Clear();
        _resolved.Clear();
        AppendParam(context, index, _raw, _resolved);
        raw = _raw.ToString();
        resolved = _resolved.ToString();
        return true;
    }

    /// <summary><c>evt.arg</c>: the resolved text when there is one, else the raw text; null without such a parameter.</summary>
    public string? RenderArgument(EventContext context, int index)
    {
        if (!TryRender(context, index, out string raw, out string resolved))
        {
            return null;
        }
        return resolved.Length > 0 ? resolved : raw;
    }

    /// <summary><c>evt.args</c>/<c>evt.info</c>: every parameter as <c>name=raw</c> or <c>name=raw(resolved)</c>, space separated.</summary>
    public string RenderAll(EventContext context)
    {
        ScapEvent evt = context.Event;
        if (evt.Type == 1)
        {
            // Generic syscall events carry only internal ids; Falco prints nothing for them.
            return "";
        }
        IReadOnlyList<ParamInfo> parameters = evt.Info.Parameters;
        int count = Math.Min(evt.ParamCount, parameters.Count);
        _line.Clear();
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                _line.Append(' ');
            }
            _line.Append(parameters[i].Name).Append('=');
            _raw.Clear();
            _resolved.Clear();
            AppendParam(context, i, _raw, _resolved);
            _line.Append(_raw);
            if (_resolved.Length > 0)
            {
                _line.Append('(').Append(_resolved).Append(')');
            }
        }
        return _line.ToString();
    }

    /// <summary>Appends the raw and resolved text of parameter <paramref name="index"/> (which must exist in the layout).</summary>
    public static void AppendParam(EventContext context, int index, StringBuilder raw, StringBuilder resolved)
    {
        ScapEvent evt = context.Event;
        ParamInfo info = evt.Info.Parameters[index];
        ReadOnlySpan<byte> payload = evt.GetParam(index);
        if (payload.IsEmpty)
        {
            raw.Append("NULL");
            return;
        }
        ParamType type = info.Type;
        string table = info.Info;
        if (type == ParamType.Dyn)
        {
            byte selector = payload[0];
            payload = payload[1..];
            type = DynamicParamType(info.Info, selector);
            table = "";
            if (type == ParamType.None)
            {
                AppendBytesAsText(raw, payload);
                return;
            }
        }
        AppendTyped(context, index, type, info.Format, table, payload, raw, resolved);
    }

    private static void AppendTyped(EventContext context, int index, ParamType type, ParamFormat format, string table,
        ReadOnlySpan<byte> payload, StringBuilder raw, StringBuilder resolved)
    {
        switch (type)
        {
            case ParamType.Int8:
                AppendSigned(raw, (sbyte)payload[0], format);
                break;
            case ParamType.Int16 when payload.Length >= 2:
                AppendSigned(raw, BinaryPrimitives.ReadInt16LittleEndian(payload), format);
                break;
            case ParamType.Int32 when payload.Length >= 4:
                AppendSigned(raw, BinaryPrimitives.ReadInt32LittleEndian(payload), format);
                break;
            case ParamType.Int64 when payload.Length >= 8:
                AppendSigned(raw, BinaryPrimitives.ReadInt64LittleEndian(payload), format);
                break;
            case ParamType.Uint8 or ParamType.Sockfamily or ParamType.L4proto or ParamType.Bool:
                AppendSigned(raw, payload[0], format);
                break;
            case ParamType.Uint16 or ParamType.Port when payload.Length >= 2:
                AppendSigned(raw, BinaryPrimitives.ReadUInt16LittleEndian(payload), format);
                break;
            case ParamType.Uint32 when payload.Length >= 4:
                // libs prints 32-bit unsigned values through a signed conversion in decimal.
                uint u32 = BinaryPrimitives.ReadUInt32LittleEndian(payload);
                AppendSigned(raw, format is ParamFormat.Dec or ParamFormat.Na ? (int)u32 : u32, format);
                break;
            case ParamType.Uint64 when payload.Length >= 8:
                ulong u64 = BinaryPrimitives.ReadUInt64LittleEndian(payload);
                if (format is ParamFormat.Dec or ParamFormat.Na)
                {
                    raw.Append((long)u64);
                }
                else
                {
                    AppendUnsigned(raw, u64, format);
                }
                break;
            case ParamType.Fd or ParamType.Fd32:
                AppendFd(context, ReadSigned(payload), raw, resolved);
                break;
            case ParamType.Pid or ParamType.Pid32:
                long pid = ReadSigned(payload);
                raw.Append(pid);
                ThreadInfo? target = context.State.FindThread(pid);
                if (target is not null)
                {
                    resolved.Append(target.Comm);
                }
                break;
            case ParamType.Errno:
                long res = ReadSigned(payload);
                raw.Append(res);
                string? errno = ErrnoNames.FromReturnValue(res);
                if (errno is not null)
                {
                    resolved.Append(errno);
                }
                break;
            case ParamType.Charbuf:
                raw.Append(DecodeString(payload));
                break;
            case ParamType.Fspath or ParamType.Fsrelpath:
                AppendPath(context, index, payload, raw, resolved);
                break;
            case ParamType.Bytebuf or ParamType.Charbufarray or ParamType.CharbufPairArray:
                AppendBytesAsText(raw, payload);
                break;
            case ParamType.Sockaddr:
                AppendSockaddr(payload, raw);
                break;
            case ParamType.Socktuple:
                AppendSocktuple(payload, raw);
                break;
            case ParamType.Fdlist:
                AppendFdList(context, payload, raw);
                break;
            case ParamType.Syscallid when payload.Length >= 2:
                // The PPM_SC name table is not carried; the id prints without its name.
                raw.Append(BinaryPrimitives.ReadUInt16LittleEndian(payload));
                break;
            case ParamType.Sigtype:
                raw.Append(payload[0]);
                string? signal = SignalNames.Get(payload[0]);
                if (signal is not null)
                {
                    resolved.Append(signal);
                }
                break;
            case ParamType.Reltime when payload.Length >= 8:
                ulong ns = BinaryPrimitives.ReadUInt64LittleEndian(payload);
                if (ns == ulong.MaxValue)
                {
                    raw.Append("none");
                }
                else
                {
                    raw.Append(ns);
                    resolved.Append(CFormat.General(ns / 1e9)).Append('s');
                }
                break;
            case ParamType.Abstime when payload.Length >= 8:
                AppendAbsTime(raw, BinaryPrimitives.ReadUInt64LittleEndian(payload));
                break;
            case ParamType.Flags8 or ParamType.Flags16 or ParamType.Flags32
                or ParamType.Enumflags8 or ParamType.Enumflags16 or ParamType.Enumflags32:
                uint flags = (uint)ReadUnsigned(payload);
                raw.Append(flags);
                if (FlagTables.TryGet(table, out FlagTable? flagTable))
                {
                    bool exact = type is ParamType.Enumflags8 or ParamType.Enumflags16 or ParamType.Enumflags32;
                    flagTable.AppendNames(resolved, flags, exact);
                }
                break;
            case ParamType.Mode when payload.Length >= 4:
                uint mode = BinaryPrimitives.ReadUInt32LittleEndian(payload);
                AppendUnsigned(raw, mode, format);
                if (FlagTables.TryGet(table, out FlagTable? modeTable))
                {
                    modeTable.AppendNames(resolved, mode, exactMatch: false);
                }
                break;
            case ParamType.Uid or ParamType.Gid when payload.Length >= 4:
                AppendUserOrGroup(context, type, BinaryPrimitives.ReadUInt32LittleEndian(payload), raw, resolved);
                break;
            case ParamType.Sigset when payload.Length >= 4:
                AppendSigset(raw, BinaryPrimitives.ReadUInt32LittleEndian(payload));
                break;
            case ParamType.Ipv4addr when payload.Length >= 4:
                AppendIpv4(raw, payload);
                break;
            case ParamType.Ipv6addr when payload.Length >= 16:
                raw.Append(new IPAddress(payload[..16]));
                break;
            case ParamType.Ipaddr:
                if (payload.Length == 4)
                {
                    AppendIpv4(raw, payload);
                }
                else if (payload.Length == 16)
                {
                    raw.Append(new IPAddress(payload));
                }
                break;
            case ParamType.Double when payload.Length >= 8:
                raw.Append(BinaryPrimitives.ReadDoubleLittleEndian(payload).ToString("F1", CultureInfo.InvariantCulture));
                break;
            default:
                raw.Append("(n.a.)");
                break;
        }
    }

    /// <summary>The parameter type a PT_DYN selector byte stands for, per the dynamic table named in the event table.</summary>
    private static ParamType DynamicParamType(string table, byte selector) => (table, selector) switch
    {
        ("sockopt_dynamic_param", 1) => ParamType.Errno,
        ("sockopt_dynamic_param", 2) => ParamType.Uint32,
        ("sockopt_dynamic_param", 3) => ParamType.Uint64,
        ("sockopt_dynamic_param", 4) => ParamType.Reltime,
        ("ptrace_dynamic_param", 0) => ParamType.Uint64,
        ("ptrace_dynamic_param", 1) => ParamType.Sigtype,
        ("bpf_dynamic_param", 0) => ParamType.Fd,
        ("bpf_dynamic_param", 1) => ParamType.Errno,
        _ => ParamType.None,
    };

    private static long ReadSigned(ReadOnlySpan<byte> p) => p.Length switch
    {
        >= 8 => BinaryPrimitives.ReadInt64LittleEndian(p),
        >= 4 => BinaryPrimitives.ReadInt32LittleEndian(p),
        >= 2 => BinaryPrimitives.ReadInt16LittleEndian(p),
        _ => (sbyte)p[0],
    };

    private static ulong ReadUnsigned(ReadOnlySpan<byte> p) => p.Length switch
    {
        >= 8 => BinaryPrimitives.ReadUInt64LittleEndian(p),
        >= 4 => BinaryPrimitives.ReadUInt32LittleEndian(p),
        >= 2 => BinaryPrimitives.ReadUInt16LittleEndian(p),
        _ => p[0],
    };

    private static void AppendSigned(StringBuilder sb, long value, ParamFormat format)
    {
        switch (format)
        {
            case ParamFormat.Hex:
            case ParamFormat.Oct:
                AppendUnsigned(sb, (ulong)value, format);
                break;
            default:
                sb.Append(value);
                break;
        }
    }

    /// <summary>Hex as upper-case digits without prefix; octal with a leading 0 (C's <c>%#o</c>: plain 0 for zero).</summary>
    private static void AppendUnsigned(StringBuilder sb, ulong value, ParamFormat format)
    {
        switch (format)
        {
            case ParamFormat.Hex:
                sb.Append(value.ToString("X", CultureInfo.InvariantCulture));
                break;
            case ParamFormat.Oct:
                if (value == 0)
                {
                    sb.Append('0');
                }
                else
                {
                    sb.Append('0').Append(Convert.ToString((long)value, 8));
                }
                break;
            default:
                sb.Append(value);
                break;
        }
    }

    private static void AppendFd(EventContext context, long fd, StringBuilder raw, StringBuilder resolved)
    {
        raw.Append(fd);
        ThreadInfo? thread = context.Thread;
        if (thread is null)
        {
            return;
        }
        if (fd >= 0)
        {
            FdInfo? info = thread.Fds.Find(fd);
            if (info is not null)
            {
                AppendFdResolved(info, resolved);
            }
        }
        else if (fd == AtFdCwd)
        {
            resolved.Append("AT_FDCWD");
        }
        else
        {
            string? errno = ErrnoNames.FromReturnValue(fd);
            if (errno is not null)
            {
                resolved.Append(errno);
            }
        }
    }

    /// <summary><c>&lt;f&gt;/etc/passwd</c>, <c>&lt;4t&gt;1.2.3.4:5-&gt;6.7.8.9:80</c>: type char, l4 char for IP sockets, then the name.</summary>
    public static void AppendFdResolved(FdInfo info, StringBuilder resolved)
    {
        resolved.Append('<').Append(FdChars.TypeChar(info.Kind));
        if (info.Kind is FdKind.Ipv4Socket or FdKind.Ipv6Socket or FdKind.Ipv4ServerSocket or FdKind.Ipv6ServerSocket)
        {
            char l4 = FdChars.L4Char(info.L4Proto);
            if (l4 != '\0')
            {
                resolved.Append(l4);
            }
        }
        resolved.Append('>');
        AppendSanitized(resolved, info.Name);
    }

    private static void AppendPath(EventContext context, int index, ReadOnlySpan<byte> payload, StringBuilder raw, StringBuilder resolved)
    {
        string path = DecodeString(payload);
        AppendSanitized(raw, path);
        ThreadInfo? thread = context.Thread;
        if (thread is null || path == "<NA>" || path.Length == 0 || path[0] == '/')
        {
            // Absolute paths need no resolution (inference: sysdig prints them once, without a resolved copy).
            return;
        }
        string? baseDir = BaseDirectory(context, index, thread);
        if (baseDir is null)
        {
            return;
        }
        resolved.Append(PathResolver.Resolve(baseDir, path));
    }

    /// <summary>The directory a relative path parameter is relative to: the dirfd's path for *at syscalls, else the cwd.</summary>
    private static string? BaseDirectory(EventContext context, int index, ThreadInfo thread)
    {
        ParamInfo info = context.Event.Info.Parameters[index];
        int dirFdIndex = info.DirFdParam;
        if (dirFdIndex < 0 || !context.Event.TryGetInt64(dirFdIndex, out long dirFd) || dirFd == AtFdCwd)
        {
            return thread.Cwd;
        }
        FdInfo? dir = thread.Fds.Find(dirFd);
        if (dir is null || dir.Name.Length == 0)
        {
            return null;
        }
        return dir.Name.EndsWith('/') ? dir.Name : dir.Name + "/";
    }

    private static void AppendSockaddr(ReadOnlySpan<byte> p, StringBuilder raw)
    {
        byte family = p[0];
        switch (family)
        {
            case 1:
                AppendSanitized(raw, DecodeString(p[1..]));
                break;
            case 2 when p.Length >= 7:
                AppendIpv4(raw, p.Slice(1, 4));
                raw.Append(':').Append(BinaryPrimitives.ReadUInt16LittleEndian(p[5..]));
                break;
            case 10 when p.Length >= 19:
                raw.Append(new IPAddress(p.Slice(1, 16))).Append(':').Append(BinaryPrimitives.ReadUInt16LittleEndian(p[17..]));
                break;
            case 2:
                raw.Append("INVALID IPv4");
                break;
            case 10:
                raw.Append("INVALID IPv6");
                break;
            default:
                raw.Append("family ").Append(family);
                break;
        }
    }

    private static void AppendSocktuple(ReadOnlySpan<byte> p, StringBuilder raw)
    {
        byte family = p[0];
        switch (family)
        {
            case 2 when p.Length >= 13:
                AppendIpv4(raw, p.Slice(1, 4));
                raw.Append(':').Append(BinaryPrimitives.ReadUInt16LittleEndian(p[5..])).Append("->");
                AppendIpv4(raw, p.Slice(7, 4));
                raw.Append(':').Append(BinaryPrimitives.ReadUInt16LittleEndian(p[11..]));
                break;
            case 10 when p.Length >= 37:
                ReadOnlySpan<byte> source = p.Slice(1, 16);
                ReadOnlySpan<byte> destination = p.Slice(19, 16);
                ushort sourcePort = BinaryPrimitives.ReadUInt16LittleEndian(p[17..]);
                ushort destinationPort = BinaryPrimitives.ReadUInt16LittleEndian(p[35..]);
                if (IsIpv4Mapped(source) && IsIpv4Mapped(destination))
                {
                    AppendIpv4(raw, source[12..]);
                    raw.Append(':').Append(sourcePort).Append("->");
                    AppendIpv4(raw, destination[12..]);
                    raw.Append(':').Append(destinationPort);
                }
                else
                {
                    raw.Append(new IPAddress(source)).Append(':').Append(sourcePort).Append("->")
                        .Append(new IPAddress(destination)).Append(':').Append(destinationPort);
                }
                break;
            case 1 when p.Length >= 17:
                raw.Append(BinaryPrimitives.ReadUInt64LittleEndian(p[1..]).ToString("x", CultureInfo.InvariantCulture)).Append("->")
                    .Append(BinaryPrimitives.ReadUInt64LittleEndian(p[9..]).ToString("x", CultureInfo.InvariantCulture)).Append(' ');
                AppendSanitized(raw, DecodeString(p[17..]));
                break;
            case 2:
                raw.Append("INVALID IPv4");
                break;
            case 10:
                raw.Append("INVALID IPv6");
                break;
            default:
                raw.Append("family ").Append(family);
                break;
        }
    }

    private static bool IsIpv4Mapped(ReadOnlySpan<byte> ip) =>
        ip[..10].IndexOfAnyExcept((byte)0) < 0 && ip[10] == 0xFF && ip[11] == 0xFF;

    /// <summary>PT_FDLIST: u16 count, then per entry i64 fd and i16 poll flags: <c>fd:&lt;typechar&gt;&lt;flags hex&gt;</c>.</summary>
    private static void AppendFdList(EventContext context, ReadOnlySpan<byte> p, StringBuilder raw)
    {
        ThreadInfo? thread = context.Thread;
        if (thread is null || p.Length < 2)
        {
            return;
        }
        int count = BinaryPrimitives.ReadUInt16LittleEndian(p);
        int pos = 2;
        for (int i = 0; i < count && pos + 10 <= p.Length; i++, pos += 10)
        {
            long fd = BinaryPrimitives.ReadInt64LittleEndian(p[pos..]);
            short pollFlags = BinaryPrimitives.ReadInt16LittleEndian(p[(pos + 8)..]);
            FdInfo? info = thread.Fds.Find(fd);
            if (i > 0)
            {
                raw.Append(' ');
            }
            raw.Append(fd).Append(':').Append(info is null ? '?' : FdChars.TypeChar(info.Kind))
                .Append(((uint)pollFlags).ToString("x", CultureInfo.InvariantCulture));
        }
    }

    private static void AppendUserOrGroup(EventContext context, ParamType type, uint id, StringBuilder raw, StringBuilder resolved)
    {
        if (id == uint.MaxValue)
        {
            raw.Append("-1");
            resolved.Append("<NONE>");
            return;
        }
        raw.Append((int)id);
        string? name = null;
        if (context.Thread is not null)
        {
            name = type == ParamType.Uid ? context.State.FindUser(id)?.Name : context.State.FindGroup(id)?.Name;
        }
        resolved.Append(name ?? "<NA>");
    }

    private static void AppendSigset(StringBuilder raw, uint set)
    {
        bool first = true;
        for (int bit = 0; bit < 32; bit++)
        {
            if ((set & (1u << bit)) == 0)
            {
                continue;
            }
            string? name = SignalNames.Get(bit + 1);
            if (name is null)
            {
                continue;
            }
            if (!first)
            {
                raw.Append(' ');
            }
            raw.Append(name);
            first = false;
        }
    }

    /// <summary>PT_ABSTIME: <c>YYYY-MM-DD HH:MM:SS.nnnnnnnnn +0000</c> (UTC).</summary>
    private static void AppendAbsTime(StringBuilder raw, ulong ns)
    {
        DateTime time = DateTime.UnixEpoch.AddTicks((long)(ns / 100));
        raw.Append(time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append('.')
            .Append((ns % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture)).Append(" +0000");
    }

    private static void AppendIpv4(StringBuilder sb, ReadOnlySpan<byte> ip) =>
        sb.Append(ip[0]).Append('.').Append(ip[1]).Append('.').Append(ip[2]).Append('.').Append(ip[3]);

    /// <summary>Buffers print printable ASCII as-is and every other byte as '.' (Falco's default buffer format).</summary>
    public static void AppendBytesAsText(StringBuilder sb, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            sb.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }
    }

    /// <summary>Drops the characters libsinsp strips from names it prints (control characters).</summary>
    private static void AppendSanitized(StringBuilder sb, string text)
    {
        foreach (char c in text)
        {
            if (c >= 0x20 && c != 0x7F)
            {
                sb.Append(c);
            }
        }
    }

    internal static string DecodeString(ReadOnlySpan<byte> payload)
    {
        int nul = payload.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul >= 0 ? payload[..nul] : payload);
    }
}
