using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Falconet.Fields.Caching;

namespace Falconet.Fields.ArgumentRendering;

/// <summary>
/// Renders event parameters as text the way Falco/sysdig print them: a raw form (<c>4097</c>, <c>-2</c>, <c>3</c>)
/// and an optional resolved form (<c>O_RDONLY|O_CLOEXEC</c>, <c>ENOENT</c>, <c>&lt;f&gt;/etc/passwd</c>).
/// <c>evt.args</c> prints <c>name=raw</c> or <c>name=raw(resolved)</c>; <c>evt.arg.X</c> gives the resolved form when there is one.
/// An instance keeps its buffers between calls: use one per thread. Text is built in those buffers and becomes a
/// string once per distinct value (<see cref="TextCache"/>), so rendering a value seen before allocates nothing.
/// </summary>
public sealed class ArgumentRenderer
{
    private const int PathCacheCapacity = 4096;

    private readonly StringBuilder _raw = new(64);
    private readonly StringBuilder _resolved = new(64);
    private readonly StringBuilder _line = new(256);
    private readonly TextCache _texts = new();
    private readonly TextCache _paths = new();
    private readonly Dictionary<(string Directory, string Path), string> _resolvedPaths = [];

    /// <summary>The addresses of address parameters, one object per distinct address.</summary>
    internal AddressCache Addresses { get; } = new();

    /// <summary>Renders parameter <paramref name="index"/>; false when the event has no such parameter.</summary>
    public bool TryRender(EventContext context, int index, out string raw, out string resolved)
    {
        if (!RenderInto(context, index))
        {
            raw = resolved = "";
            return false;
        }
        raw = Take(_raw);
        resolved = Take(_resolved);
        return true;
    }

    /// <summary><c>evt.arg</c>: the resolved text when there is one, else the raw text; null without such a parameter.</summary>
    public string? RenderArgument(EventContext context, int index)
    {
        if (!RenderInto(context, index))
        {
            return null;
        }
        string text = _texts.Get(_resolved.Length > 0 ? _resolved : _raw);
        _raw.Clear();
        _resolved.Clear();
        return text;
    }

    /// <summary>The raw text of parameter <paramref name="index"/> (which must exist in the layout).</summary>
    internal string RenderRaw(EventContext context, int index)
    {
        _raw.Clear();
        _resolved.Clear();
        AppendParam(context, index, _raw, _resolved);
        _resolved.Clear();
        return Take(_raw);
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
        _raw.Clear();
        _resolved.Clear();
        return Take(_line);
    }

    /// <summary>
    /// The builder's text as a string, leaving the builder empty. A builder that grew holds several chunks, and
    /// emptying it merges them into one allocation: doing that here, when the growth is paid for anyway, keeps the
    /// next rendering of a value of that size free of allocations.
    /// </summary>
    private string Take(StringBuilder builder)
    {
        string text = _texts.Get(builder);
        builder.Clear();
        return text;
    }

    private bool RenderInto(EventContext context, int index)
    {
        if ((uint)index >= (uint)context.Event.ParamCount || index >= context.Event.Info.Parameters.Count)
        {
            return false;
        }
        _raw.Clear();
        _resolved.Clear();
        AppendParam(context, index, _raw, _resolved);
        return true;
    }

    /// <summary>Appends the raw and resolved text of parameter <paramref name="index"/> (which must exist in the layout).</summary>
    private void AppendParam(EventContext context, int index, StringBuilder raw, StringBuilder resolved)
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
            if (payload.IsEmpty)
            {
                // A selector with no value after it (a damaged record): nothing to read, shown like an empty parameter.
                raw.Append("NULL");
                return;
            }
            if (type == ParamType.None)
            {
                AppendBytesAsText(raw, payload);
                return;
            }
        }
        AppendTyped(context, index, type, info.Format, table, payload, raw, resolved);
    }

    private void AppendTyped(EventContext context, int index, ParamType type, ParamFormat format, string table,
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
                AppendUtf8(raw, payload);
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
                // The raw PPM_SC id only: evt.type names the syscall through SyscallTable, the argument stays a number.
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
                    CFormat.AppendGeneral(resolved, ns / 1e9);
                    resolved.Append('s');
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
                AppendIpv6(raw, payload[..16]);
                break;
            case ParamType.Ipaddr:
                if (payload.Length == 4)
                {
                    AppendIpv4(raw, payload);
                }
                else if (payload.Length == 16)
                {
                    AppendIpv6(raw, payload);
                }
                break;
            case ParamType.Double when payload.Length >= 8:
                AppendFormatted(raw, BinaryPrimitives.ReadDoubleLittleEndian(payload), "F1");
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
                AppendFormatted(sb, value, "X");
                break;
            case ParamFormat.Oct:
                if (value == 0)
                {
                    sb.Append('0');
                }
                else
                {
                    AppendOctal(sb, value);
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
        else if (fd == WireConstants.AtFdCwd)
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

    private void AppendPath(EventContext context, int index, ReadOnlySpan<byte> payload, StringBuilder raw, StringBuilder resolved)
    {
        string path = _paths.GetUtf8(payload);
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
        if (!_resolvedPaths.TryGetValue((baseDir, path), out string? absolute))
        {
            if (_resolvedPaths.Count >= PathCacheCapacity)
            {
                _resolvedPaths.Clear();
            }
            absolute = PathResolver.Resolve(baseDir.EndsWith('/') ? baseDir : baseDir + "/", path);
            _resolvedPaths[(baseDir, path)] = absolute;
        }
        resolved.Append(absolute);
    }

    /// <summary>
    /// The directory a relative path parameter is relative to: the dirfd's path for *at syscalls, else the cwd.
    /// A directory fd's name is returned as the state holds it; the caller adds the trailing slash.
    /// </summary>
    private static string? BaseDirectory(EventContext context, int index, ThreadInfo thread)
    {
        ParamInfo info = context.Event.Info.Parameters[index];
        int dirFdIndex = info.DirFdParam;
        if (dirFdIndex < 0 || !context.Event.TryGetInt64(dirFdIndex, out long dirFd) || dirFd == WireConstants.AtFdCwd)
        {
            return thread.Cwd;
        }
        FdInfo? dir = thread.Fds.Find(dirFd);
        if (dir is null || dir.Name.Length == 0)
        {
            return null;
        }
        return dir.Name;
    }

    private void AppendSockaddr(ReadOnlySpan<byte> p, StringBuilder raw)
    {
        byte family = p[0];
        switch (family)
        {
            case 1:
                AppendSanitizedUtf8(raw, p[1..]);
                break;
            case SocketTuple.FamilyInet or SocketTuple.FamilyInet6 when SocketTuple.TryParseAddressAsWritten(p, out SocketTuple address):
                AppendEndpoint(raw, address.SourceIp, address.SourcePort);
                break;
            default:
                AppendBadFamily(raw, family);
                break;
        }
    }

    private void AppendSocktuple(ReadOnlySpan<byte> p, StringBuilder raw)
    {
        byte family = p[0];
        switch (family)
        {
            // A tuple of two IPv4-mapped addresses prints as IPv4, as libsinsp does (SocketTuple maps them).
            case SocketTuple.FamilyInet or SocketTuple.FamilyInet6 when SocketTuple.TryParseTuple(p, out SocketTuple tuple):
                AppendEndpoint(raw, tuple.SourceIp, tuple.SourcePort);
                raw.Append("->");
                AppendEndpoint(raw, tuple.DestinationIp, tuple.DestinationPort);
                break;
            case 1 when p.Length >= 17:
                AppendFormatted(raw, BinaryPrimitives.ReadUInt64LittleEndian(p[1..]), "x");
                raw.Append("->");
                AppendFormatted(raw, BinaryPrimitives.ReadUInt64LittleEndian(p[9..]), "x");
                raw.Append(' ');
                AppendSanitizedUtf8(raw, p[17..]);
                break;
            default:
                AppendBadFamily(raw, family);
                break;
        }
    }

    /// <summary><c>address:port</c>.</summary>
    private void AppendEndpoint(StringBuilder raw, ReadOnlySpan<byte> ip, ushort port)
    {
        if (ip.Length == 4)
        {
            AppendIpv4(raw, ip);
        }
        else
        {
            AppendIpv6(raw, ip);
        }
        raw.Append(':').Append(port);
    }

    /// <summary>What an address parameter too short for its family, or of another family, prints.</summary>
    private static void AppendBadFamily(StringBuilder raw, byte family)
    {
        switch (family)
        {
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

    private void AppendIpv6(StringBuilder raw, ReadOnlySpan<byte> ip16) => raw.Append(Addresses.GetText(ip16));

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
            raw.Append(fd).Append(':').Append(info is null ? '?' : FdChars.TypeChar(info.Kind));
            AppendFormatted(raw, (uint)pollFlags, "x");
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
        Span<char> text = stackalloc char[32];
        time.TryFormat(text, out int written, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        raw.Append(text[..written]).Append('.');
        AppendFormatted(raw, ns % 1_000_000_000, "D9");
        raw.Append(" +0000");
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

    /// <summary>Appends the UTF-8 text of <paramref name="utf8"/> up to its first NUL.</summary>
    private void AppendUtf8(StringBuilder sb, ReadOnlySpan<byte> utf8) => sb.Append(Decode(utf8));

    private void AppendSanitizedUtf8(StringBuilder sb, ReadOnlySpan<byte> utf8)
    {
        foreach (char c in Decode(utf8))
        {
            if (c >= 0x20 && c != 0x7F)
            {
                sb.Append(c);
            }
        }
    }

    private ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8) => _texts.Decode(utf8);

    // Explicit TryFormat per type: the generic interpolation handlers box their argument until the JIT optimizes them.
    private static void AppendFormatted(StringBuilder sb, ulong value, string format)
    {
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out int written, format, CultureInfo.InvariantCulture);
        sb.Append(text[..written]);
    }

    private static void AppendFormatted(StringBuilder sb, uint value, string format) => AppendFormatted(sb, (ulong)value, format);

    private static void AppendFormatted(StringBuilder sb, double value, string format)
    {
        Span<char> text = stackalloc char[64];
        value.TryFormat(text, out int written, format, CultureInfo.InvariantCulture);
        sb.Append(text[..written]);
    }

    /// <summary>C's <c>%#o</c> for a non-zero value: a leading 0, then the octal digits.</summary>
    private static void AppendOctal(StringBuilder sb, ulong value)
    {
        Span<char> digits = stackalloc char[23];
        int pos = digits.Length;
        for (; value != 0; value >>= 3)
        {
            digits[--pos] = (char)('0' + (int)(value & 7));
        }
        digits[--pos] = '0';
        sb.Append(digits[pos..]);
    }
}
