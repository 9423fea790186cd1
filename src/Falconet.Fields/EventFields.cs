using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Falconet.Fields.ArgumentRendering;
using Falconet.Fields.Caching;
using Falconet.Fields.OutputFormats;
using static Falconet.Fields.FieldValues;

namespace Falconet.Fields;

/// <summary>
/// The evt.* (and syscall.type) fields. Times print in UTC. Fields left out: evt.around (a comparison of its own,
/// see docs/compatibility.md), evt.buflen.* / evt.count.procinfo / evt.count.threadinfo / evt.infra.* (table-only).
/// </summary>
internal static class EventFields
{
    // Shared by every evt.buffer extractor: the per-type index table is filled once per type, and racing fills write the same value.
    private static readonly ArgumentLocator s_dataParam = ArgumentLocator.ForName("data");

    private static readonly ushort s_genericExit = IdOf("PPME_GENERIC_X");
    private static readonly ushort s_asyncEvent = IdOf("PPME_ASYNCEVENT_E");
    private static readonly ushort s_openExit = IdOf("PPME_SYSCALL_OPEN_X");
    private static readonly ushort s_creatExit = IdOf("PPME_SYSCALL_CREAT_X");
    private static readonly ushort s_openatExit = IdOf("PPME_SYSCALL_OPENAT_2_X");
    private static readonly ushort s_openat2Exit = IdOf("PPME_SYSCALL_OPENAT2_X");
    private static readonly ushort s_openByHandleExit = IdOf("PPME_SYSCALL_OPEN_BY_HANDLE_AT_X");
    private static readonly ushort s_acceptExit = IdOf("PPME_SOCKET_ACCEPT_5_X");
    private static readonly ushort s_accept4Exit = IdOf("PPME_SOCKET_ACCEPT4_6_X");
    private static readonly ushort s_connectExit = IdOf("PPME_SOCKET_CONNECT_X");

    // PPM open flags and mode bits used by evt.is_open_*.
    private const uint OpenReadOnly = 1 << 0;
    private const uint OpenWriteOnly = 1 << 1;
    private const uint OpenCreate = 1 << 2;
    private const uint OpenTmpFile = 1 << 13;
    private const uint OpenCreated = 1 << 14;
    private const uint ModeExecBits = (1 << 0) | (1 << 3) | (1 << 6);

    public static void Register(FieldRegistry registry)
    {
        Add(registry, "evt.num", ParamType.Uint64, "event number.", (EventContext c, ref FieldValue v) => Int((long)c.Event.Number, ref v));
        AddTimeText(registry, "evt.time", "event timestamp as a time string that includes the nanosecond part (UTC).", ts => FormatTime(ts, date: false, nanos: true));
        AddTimeText(registry, "evt.time.s", "event timestamp as a time string with no nanoseconds (UTC).", ts => FormatTime(ts, date: false, nanos: false));
        AddTimeText(registry, "evt.time.iso8601", "event timestamp in ISO 8601 format, including nanoseconds and time zone offset (in UTC).", FormatIso8601);
        AddTimeText(registry, "evt.datetime", "event timestamp as a time string that includes the date (UTC).", ts => FormatTime(ts, date: true, nanos: true));
        AddTimeText(registry, "evt.datetime.s", "event timestamp as a datetime string with no nanoseconds (UTC).", ts => FormatTime(ts, date: true, nanos: false));
        Add(registry, "evt.rawtime", ParamType.Abstime, "absolute event timestamp, i.e. nanoseconds from epoch.",
            (EventContext c, ref FieldValue v) => Int((long)c.Event.Timestamp, ref v), FieldOutputStyle.JsonInteger);
        Add(registry, "evt.rawtime.s", ParamType.Abstime, "integer part of the event timestamp (e.g. seconds since epoch).",
            (EventContext c, ref FieldValue v) => Int((long)(c.Event.Timestamp / 1_000_000_000), ref v), FieldOutputStyle.JsonInteger);
        Add(registry, "evt.rawtime.ns", ParamType.Abstime, "fractional part of the absolute event timestamp.",
            (EventContext c, ref FieldValue v) => Int((long)(c.Event.Timestamp % 1_000_000_000), ref v), FieldOutputStyle.JsonInteger | FieldOutputStyle.TextZeroPadded);
        Add(registry, "evt.reltime", ParamType.Reltime, "number of nanoseconds from the beginning of the capture.",
            (EventContext c, ref FieldValue v) => Int((long)RelativeTime(c), ref v), FieldOutputStyle.JsonInteger | FieldOutputStyle.TextZeroPadded);
        Add(registry, "evt.reltime.s", ParamType.Reltime, "number of seconds from the beginning of the capture.",
            (EventContext c, ref FieldValue v) => Int((long)(RelativeTime(c) / 1_000_000_000), ref v), FieldOutputStyle.JsonInteger);
        Add(registry, "evt.reltime.ns", ParamType.Reltime, "fractional part (in ns) of the time from the beginning of the capture.",
            (EventContext c, ref FieldValue v) => Int((long)(RelativeTime(c) % 1_000_000_000), ref v), FieldOutputStyle.JsonInteger | FieldOutputStyle.TextZeroPadded);
        AddDeltaTime(registry, "evt.deltatime", "delta between this event and the previous event it was extracted for, in nanoseconds.", d => d, FieldOutputStyle.JsonInteger);
        AddDeltaTime(registry, "evt.deltatime.s", "integer part of the delta between this event and the previous event.", d => d / 1_000_000_000, FieldOutputStyle.JsonInteger);
        AddDeltaTime(registry, "evt.deltatime.ns", "fractional part of the delta between this event and the previous event.", d => d % 1_000_000_000,
            FieldOutputStyle.JsonInteger | FieldOutputStyle.TextZeroPadded);
        // No plugins are loaded by Falconet: no event comes from one, so these never have a value.
        Add(registry, "evt.pluginname", ParamType.Charbuf, "if the event comes from a plugin-defined event source, the name of the plugin that generated it.",
            (EventContext c, ref FieldValue v) => false);
        Add(registry, "evt.plugininfo", ParamType.Charbuf, "if the event comes from a plugin-defined event source, a summary of the event as formatted by the plugin.",
            (EventContext c, ref FieldValue v) => false);
        Add(registry, "evt.source", ParamType.Charbuf, "the name of the source that produced the event.", (EventContext c, ref FieldValue v) => Str("syscall", ref v));
        Add(registry, "evt.is_async", ParamType.Bool, "'true' for asynchronous events, 'false' otherwise.",
            (EventContext c, ref FieldValue v) => Bool(IsMetaEvent(c.Event), ref v));
        AddStateful(registry, "evt.asynctype", ParamType.Charbuf, "If the event is asynchronous, the type of the event (e.g. 'container').", () =>
        {
            var texts = new TextCache();
            return (EventContext c, ref FieldValue v) => ExtractAsyncType(c, texts, ref v);
        });
        AddHostname(registry);
        Add(registry, "evt.latency", ParamType.Reltime, "deprecated: always 0 (enter events are dropped).",
            (EventContext c, ref FieldValue v) => Int(0, ref v), FieldOutputStyle.JsonInteger, FieldFlags.Deprecated);
        Add(registry, "evt.latency.s", ParamType.Reltime, "deprecated: always 0.", (EventContext c, ref FieldValue v) => Int(0, ref v), FieldOutputStyle.JsonInteger, FieldFlags.Deprecated);
        Add(registry, "evt.latency.ns", ParamType.Reltime, "deprecated: always 0.", (EventContext c, ref FieldValue v) => Int(0, ref v),
            FieldOutputStyle.JsonInteger | FieldOutputStyle.TextZeroPadded, FieldFlags.Deprecated);
        Add(registry, "evt.latency.human", ParamType.Charbuf, "deprecated: always 0ns.", (EventContext c, ref FieldValue v) => Str("0ns", ref v), flags: FieldFlags.Deprecated);
        Add(registry, "evt.wait_latency", ParamType.Reltime, "deprecated: always 0.", (EventContext c, ref FieldValue v) => Int(0, ref v), flags: FieldFlags.Deprecated);
        Add(registry, "evt.dir", ParamType.Charbuf, "event direction, '>' for enter events and '<' for exit events (deprecated: only exit events are delivered).",
            (EventContext c, ref FieldValue v) => Str(c.Event.IsEnter ? ">" : "<", ref v), flags: FieldFlags.Deprecated);
        AddStateful(registry, "evt.type", ParamType.Charbuf, "The name of the event (e.g. 'open').", () =>
        {
            var texts = new TextCache();
            return (EventContext c, ref FieldValue v) => ExtractType(c, texts, ref v);
        });
        AddTypeIs(registry);
        AddStateful(registry, "syscall.type", ParamType.Charbuf, "For system call events, the name of the system call (e.g. 'open'). Unset for other events.",
            () =>
            {
                var texts = new TextCache();
                return (EventContext c, ref FieldValue v) => (c.Event.Info.Category & EventCategory.Syscall) != 0 && ExtractType(c, texts, ref v);
            });
        Add(registry, "evt.category", ParamType.Charbuf, "The event category (file, net, process, memory, ipc, ...).",
            (EventContext c, ref FieldValue v) => Str(CategoryName(c), ref v));
        Add(registry, "evt.cpu", ParamType.Int16, "number of the CPU where this event happened.", (EventContext c, ref FieldValue v) => Int(c.Event.Cpu, ref v));
        AddArgs(registry, "evt.args", "all the event arguments, aggregated into a single string.");
        AddArgs(registry, "evt.info", "the event arguments as 'name=value' pairs (same as evt.args for syscall events).");
        AddArg(registry);
        AddRawArg(registry);
        AddStateful(registry, "evt.buffer", ParamType.Bytebuf, "the binary data buffer for events that have one, like read(), recvfrom(), etc.", () =>
        {
            var texts = new TextCache();
            return (EventContext c, ref FieldValue v) => ExtractBuffer(c, texts, ref v);
        });
        Add(registry, "evt.buflen", ParamType.Uint64, "the length of the binary data buffer for events that have one, like read(), recvfrom(), etc.",
            (EventContext c, ref FieldValue v) => c.Fd is not null && IsIo(c.Event) && BufferLength(c, ref v));
        Add(registry, "evt.res", ParamType.Charbuf, "event return value, as a string. If the event failed, the result is an error code string (e.g. 'ENOENT'), otherwise the result is the string 'SUCCESS'.",
            ExtractResult);
        Add(registry, "evt.rawres", ParamType.Int64, "event return value, as a number (e.g. -2). Useful for range comparisons.",
            (EventContext c, ref FieldValue v) => TryReturnValue(c.Event, out long res) && Int(res, ref v));
        Add(registry, "evt.failed", ParamType.Bool, "'true' for events that returned an error status.", ExtractErrorCount);
        Add(registry, "evt.is_io", ParamType.Bool, "'true' for events that read or write to FDs, like read(), send, recvfrom(), etc.",
            (EventContext c, ref FieldValue v) => Bool((c.Event.Info.Flags & (EventFlags.ReadsFromFd | EventFlags.WritesToFd)) != 0, ref v));
        Add(registry, "evt.is_io_read", ParamType.Bool, "'true' for events that read from FDs, like read(), recv(), recvfrom(), etc.",
            (EventContext c, ref FieldValue v) => Bool((c.Event.Info.Flags & EventFlags.ReadsFromFd) != 0, ref v));
        Add(registry, "evt.is_io_write", ParamType.Bool, "'true' for events that write to FDs, like write(), send(), etc.",
            (EventContext c, ref FieldValue v) => Bool((c.Event.Info.Flags & EventFlags.WritesToFd) != 0, ref v));
        Add(registry, "evt.io_dir", ParamType.Charbuf, "'r' for events that read from FDs, like read(); 'w' for events that write to FDs, like write().", ExtractIoDirection);
        Add(registry, "evt.is_wait", ParamType.Bool, "'true' for events that make the thread wait, e.g. sleep(), select(), poll().",
            (EventContext c, ref FieldValue v) => Bool((c.Event.Info.Flags & EventFlags.Waits) != 0, ref v));
        Add(registry, "evt.is_syslog", ParamType.Bool, "'true' for events that are writes to /dev/log.",
            (EventContext c, ref FieldValue v) => Bool((c.Event.Info.Flags & EventFlags.WritesToFd) != 0 && c.Fd is not null
                && c.Fd.Name.Contains("/dev/log", StringComparison.Ordinal), ref v));
        Add(registry, "evt.count", ParamType.Uint32, "This filter field always returns 1.", (EventContext c, ref FieldValue v) => Int(1, ref v));
        Add(registry, "evt.count.error", ParamType.Uint32, "This filter field returns 1 for events that returned with an error.", ExtractErrorCount);
        Add(registry, "evt.count.error.file", ParamType.Uint32, "This filter field returns 1 for events that returned with an error and are related to file I/O.",
            (EventContext c, ref FieldValue v) => IsFileErrorScope(c) && ExtractErrorCount(c, ref v));
        Add(registry, "evt.count.error.net", ParamType.Uint32, "This filter field returns 1 for events that returned with an error and are related to network I/O.",
            (EventContext c, ref FieldValue v) => IsNetErrorScope(c) && ExtractErrorCount(c, ref v));
        Add(registry, "evt.count.error.memory", ParamType.Uint32, "This filter field returns 1 for events that returned with an error and are related to memory allocation.",
            (EventContext c, ref FieldValue v) => c.Event.Info.Kind == EventCategory.Memory && ExtractErrorCount(c, ref v));
        Add(registry, "evt.count.error.other", ParamType.Uint32, "This filter field returns 1 for events that returned with an error and are related to none of the previous categories.",
            (EventContext c, ref FieldValue v) => !IsFileErrorScope(c) && !IsNetErrorScope(c) && c.Event.Info.Kind != EventCategory.Memory && ExtractErrorCount(c, ref v));
        Add(registry, "evt.count.exit", ParamType.Uint32, "This filter field returns 1 for exit events.",
            (EventContext c, ref FieldValue v) => !c.Event.IsEnter && Int(1, ref v));
        AddAbsolutePath(registry);
        Add(registry, "evt.is_open_read", ParamType.Bool, "'true' for open/openat/openat2/open_by_handle_at events where the path was opened for reading.",
            (EventContext c, ref FieldValue v) => Bool(IsOpenEvent(c.Event, out uint flags, out _) && (flags & OpenReadOnly) != 0, ref v));
        Add(registry, "evt.is_open_write", ParamType.Bool, "'true' for open/openat/openat2/open_by_handle_at events where the path was opened for writing.",
            (EventContext c, ref FieldValue v) => Bool(IsOpenEvent(c.Event, out uint flags, out _) && (flags & OpenWriteOnly) != 0, ref v));
        Add(registry, "evt.is_open_exec", ParamType.Bool, "'true' for open/openat/openat2/open_by_handle_at or creat events where a file is created with execute permissions.",
            (EventContext c, ref FieldValue v) => Bool(IsOpenExec(c.Event), ref v));
        Add(registry, "evt.is_open_create", ParamType.Bool, "'true' for open/openat/openat2/open_by_handle_at events where a file is created.",
            (EventContext c, ref FieldValue v) => Bool(IsOpenCreate(c.Event), ref v));
    }

    private static ushort IdOf(string enumName)
    {
        foreach (EventInfo info in EventTable.All)
        {
            if (info.EnumName == enumName)
            {
                return info.Id;
            }
        }
        throw new InvalidOperationException($"event {enumName} is missing from the event table");
    }

    // ---- registration helpers -------------------------------------------------------------------

    /// <summary>The shared registration, with the print format the evt.* numbers declare (decimal).</summary>
    private static void Add(FieldRegistry registry, string name, ParamType type, string description, DelegateFieldExtractor.Extract extract,
        FieldOutputStyle style = FieldOutputStyle.None, FieldFlags flags = FieldFlags.None) =>
        registry.Add(name, type, description, extract, flags, style, IsNumeric(type) ? ParamFormat.Dec : ParamFormat.Na);

    /// <summary>A field without argument whose extraction keeps state of its own (a cache, the previous event): made per extractor.</summary>
    private static void AddStateful(FieldRegistry registry, string name, ParamType type, string description, Func<DelegateFieldExtractor.Extract> create,
        FieldOutputStyle style = FieldOutputStyle.None) =>
        registry.Add(name, type, description, FieldArgumentMode.None, FieldFlags.None, _ => create(), style,
            IsNumeric(type) ? ParamFormat.Dec : ParamFormat.Na);

    private static bool IsNumeric(ParamType type) => type is ParamType.Int8 or ParamType.Int16 or ParamType.Int32 or ParamType.Int64
        or ParamType.Uint8 or ParamType.Uint16 or ParamType.Uint32 or ParamType.Uint64 or ParamType.Abstime or ParamType.Reltime;

    // The text is rebuilt only when the timestamp changes: several outputs of one event share it.
    private static void AddTimeText(FieldRegistry registry, string name, string description, Func<ulong, string> format) =>
        AddStateful(registry, name, ParamType.Charbuf, description, () =>
        {
            ulong cachedTs = 0;
            string? cachedText = null;
            return (EventContext c, ref FieldValue v) =>
            {
                ulong ts = c.Event.Timestamp;
                if (cachedText is null || cachedTs != ts)
                {
                    cachedText = format(ts);
                    cachedTs = ts;
                }
                v.String = cachedText;
                v.Int = (long)ts;
                return true;
            };
        }, FieldOutputStyle.JsonInteger);

    // As in libsinsp, each extractor remembers the timestamp of the last event it saw.
    private static void AddDeltaTime(FieldRegistry registry, string name, string description, Func<ulong, ulong> part, FieldOutputStyle style) =>
        AddStateful(registry, name, ParamType.Reltime, description, () =>
        {
            ulong previous = 0;
            return (EventContext c, ref FieldValue v) =>
            {
                ulong ts = c.Event.Timestamp;
                ulong delta = previous == 0 ? 0 : ts - previous;
                previous = ts;
                v.Int = (long)part(delta);
                return true;
            };
        }, style);

    private static void AddHostname(FieldRegistry registry) =>
        registry.Add("evt.hostname", ParamType.Charbuf,
            "The hostname of the underlying host; the FALCO_HOSTNAME environment variable overrides it.", FieldArgumentMode.None, FieldFlags.None, _ =>
            {
                string? overridden = Environment.GetEnvironmentVariable("FALCO_HOSTNAME");
                return (EventContext c, ref FieldValue v) => Str(string.IsNullOrEmpty(overridden) ? c.State.Machine?.Hostname : overridden, ref v);
            });

    private static void AddTypeIs(FieldRegistry registry) =>
        registry.Add(new FieldDescriptor("evt.type.is", ParamType.Uint32,
            "allows one to specify an event type, and returns 1 for events that are of that type. For example, evt.type.is.open returns 1 for open events, 0 for any other event.",
            (field, argument) => new TypeIsExtractor(field, TypeIds(argument)), FieldArgumentMode.Required, FieldFlags.ArgDotted, ParamFormat.Dec));

    private static HashSet<ushort> TypeIds(FieldArgument? argument)
    {
        if (argument is null || argument.Text.Length == 0)
        {
            throw new FieldArgumentException("evt.type.is needs an event type, e.g. evt.type.is.open");
        }
        HashSet<ushort> ids = [];
        if (argument.IsIndex)
        {
            ids.Add((ushort)argument.Index);
            return ids;
        }
        foreach (ushort id in EventTable.IdsByName(argument.Text))
        {
            ids.Add(id);
        }
        if (ids.Count == 0)
        {
            throw new FieldArgumentException($"unknown event type {argument.Text}");
        }
        return ids;
    }

    /// <summary>
    /// evt.type.is.X: 1 for events of type X, 0 for the others, in conditions. Falco 0.44.1 prints it as &lt;NA&gt;
    /// (null in output_fields) on every event, which outputs reproduce (measured with the build in ../shared/peer).
    /// </summary>
    private sealed class TypeIsExtractor(FieldDescriptor field, HashSet<ushort> ids) : FieldExtractor(field)
    {
        public override bool TryExtract(EventContext context, ref FieldValue value) => Int(ids.Contains(context.Event.Type) ? 1 : 0, ref value);

        public override bool TryExtractForOutput(EventContext context, ref FieldValue value) => false;
    }

    /// <summary>Per event type, the directory-fd and path parameters evt.abspath reads: [0] the source (or only) pair, [1] the destination.</summary>
    private static readonly (int DirFd, int Path)[][] s_absolutePathParams = AbsolutePathParams();

    private static (int DirFd, int Path)[][] AbsolutePathParams()
    {
        var table = new (int, int)[EventTable.All.Count][];
        (string Event, string DirFd, string Path, string? DstDirFd, string? DstPath)[] layouts =
        [
            ("renameat", "olddirfd", "oldpath", "newdirfd", "newpath"),
            ("renameat2", "olddirfd", "oldpath", "newdirfd", "newpath"),
            ("linkat", "olddir", "oldpath", "newdir", "newpath"),
            ("symlinkat", "linkdirfd", "linkpath", null, null),
            ("openat", "dirfd", "name", null, null),
            ("openat2", "dirfd", "name", null, null),
            ("unlinkat", "dirfd", "name", null, null),
            ("mkdirat", "dirfd", "path", null, null),
            ("fchmodat", "dirfd", "filename", null, null),
            ("fchownat", "dirfd", "pathname", null, null),
        ];
        foreach ((string name, string dirFd, string path, string? dstDirFd, string? dstPath) in layouts)
        {
            foreach (ushort id in EventTable.IdsByName(name))
            {
                EventInfo info = EventTable.Get(id);
                int d = info.IndexOfParam(dirFd), p = info.IndexOfParam(path);
                if (info.IsEnter || d < 0 || p < 0)
                {
                    continue;
                }
                (int, int) src = (d, p);
                (int, int) dst = dstDirFd is null ? src : (info.IndexOfParam(dstDirFd), info.IndexOfParam(dstPath!));
                table[id] = [src, dst];
            }
        }
        return table;
    }

    /// <summary>
    /// evt.abspath, evt.abspath.src, evt.abspath.dst: the path of an *at syscall made absolute as libsinsp does it,
    /// against the cwd (AT_FDCWD), the directory fd's name, or "&lt;UNKNOWN&gt;" for an fd the thread lacks; an absolute
    /// path stays itself, canonical. open_by_handle_at's path is the kernel's. Without argument it is the source.
    /// Results are cached per directory and path, so recurring paths allocate nothing.
    /// </summary>
    private static void AddAbsolutePath(FieldRegistry registry) =>
        registry.Add("evt.abspath", ParamType.Charbuf,
            "Absolute path calculated from dirfd and name during syscalls like renameat and symlinkat. Use 'evt.abspath.src' or 'evt.abspath.dst' for syscalls that support multiple paths.",
            FieldArgumentMode.Optional, FieldFlags.ArgDotted, argument =>
            {
                int pair = argument?.Text switch
                {
                    null or "" or "src" => 0,
                    "dst" => 1,
                    _ => throw new FieldArgumentException($"evt.abspath takes src or dst, not {argument.Text}"),
                };
                var texts = new TextCache();
                var resolved = new Dictionary<(string Directory, string Path), string>();
                return (EventContext c, ref FieldValue v) => ExtractAbsolutePath(c, pair, texts, resolved, ref v);
            });

    private static readonly ushort s_openByHandleAt = IdOf("PPME_SYSCALL_OPEN_BY_HANDLE_AT_X");

    private static bool ExtractAbsolutePath(EventContext c, int pair, TextCache texts, Dictionary<(string, string), string> resolved, ref FieldValue v)
    {
        ScapEvent evt = c.Event;
        if (c.Thread is not { } thread)
        {
            return false;
        }
        string directory;
        string path;
        if (evt.Type == s_openByHandleAt)
        {
            if (!evt.TryGetInt64(0, out long fd) || fd <= 0 || evt.ParamCount < 4)
            {
                return false;
            }
            directory = "";
            path = texts.GetUtf8(evt.GetStringBytes(3));
        }
        else
        {
            if (s_absolutePathParams[evt.Type] is not { } layouts)
            {
                return false;
            }
            (int dirIndex, int pathIndex) = layouts[pair];
            if (dirIndex >= evt.ParamCount || pathIndex >= evt.ParamCount || !evt.TryGetInt64(dirIndex, out long dirFd))
            {
                return false;
            }
            path = texts.GetUtf8(evt.GetStringBytes(pathIndex));
            directory = path.StartsWith('/') ? "/"
                : dirFd == WireConstants.AtFdCwd ? c.State.CwdOf(thread)
                : thread.Fds.Find(dirFd)?.Name ?? "<UNKNOWN>/";
        }
        if (!resolved.TryGetValue((directory, path), out string? absolute))
        {
            if (resolved.Count >= 4096)
            {
                resolved.Clear();
            }
            absolute = PathResolver.Resolve(directory, path);
            resolved[(directory, path)] = absolute;
        }
        return Str(absolute, ref v);
    }

    private static void AddArgs(FieldRegistry registry, string name, string description) =>
        AddStateful(registry, name, ParamType.Charbuf, description, () =>
        {
            var renderer = new ArgumentRenderer();
            return (EventContext c, ref FieldValue v) => Str(renderer.RenderAll(c), ref v);
        });

    private static void AddArg(FieldRegistry registry) =>
        registry.Add("evt.arg", ParamType.Charbuf,
            "one of the event arguments specified by name or by number. E.g. 'evt.arg.fd' or 'evt.arg[0]'. The value is converted to a readable form (fds resolved, flags named).",
            FieldArgumentMode.Required, FieldFlags.ArgDotted, argument =>
            {
                ArgumentLocator locator = ArgumentLocator.Create("evt.arg", argument, allowIndex: true);
                var renderer = new ArgumentRenderer();
                return (EventContext c, ref FieldValue v) =>
                {
                    int index = locator.Find(c.Event);
                    return index >= 0 && Str(renderer.RenderArgument(c, index), ref v);
                };
            });

    private static void AddRawArg(FieldRegistry registry) =>
        registry.Add(new FieldDescriptor("evt.rawarg", ParamType.Dyn,
            "one of the event arguments specified by name. E.g. 'evt.rawarg.fd'. The value keeps its native type (numbers compare as numbers).",
            (field, argument) => new RawArgExtractor(field, ArgumentLocator.Create("evt.rawarg", argument, allowIndex: false)),
            FieldArgumentMode.Required, FieldFlags.ArgDotted | FieldFlags.NoRhs | FieldFlags.NoTransformer));

    // ---- extraction -------------------------------------------------------------------------------

    private static bool IsMetaEvent(ScapEvent evt) => (evt.Info.Category & EventCategory.Metaevent) != 0;

    private static bool IsIo(ScapEvent evt) => evt.Info.Kind is EventCategory.IoRead or EventCategory.IoWrite or EventCategory.IoOther;

    private static bool ExtractAsyncType(EventContext c, TextCache texts, ref FieldValue v)
    {
        if (!IsMetaEvent(c.Event))
        {
            return false;
        }
        return Str(c.Event.Type == s_asyncEvent ? texts.GetUtf8(c.Event.GetParam(1)) : c.Event.Info.Name, ref v);
    }

    private static bool ExtractType(EventContext c, TextCache texts, ref FieldValue v)
    {
        ScapEvent evt = c.Event;
        if (evt.Type == s_genericExit || evt.Type == SyscallTable.GenericEnterType)
        {
            // Generic events stand for every syscall without a dedicated event: the ID parameter (a PPM_SC code)
            // names it. A code this table does not know reads as "<unknown>", as libsinsp and sysdig print it.
            ReadOnlySpan<byte> id = evt.ParamCount > 0 ? evt.GetParam(0) : default;
            return id.Length >= 2 && Str(SyscallTable.GetName(BinaryPrimitives.ReadUInt16LittleEndian(id)), ref v);
        }
        if (evt.Type == s_asyncEvent)
        {
            return Str(texts.GetUtf8(evt.GetParam(1)), ref v);
        }
        return Str(evt.Info.Name, ref v);
    }

    private static string CategoryName(EventContext c)
    {
        EventCategory kind = c.Event.Info.Kind;
        return kind switch
        {
            EventCategory.Unknown => "unknown",
            EventCategory.Other => "other",
            EventCategory.File => "file",
            EventCategory.Net => "net",
            EventCategory.Ipc => "IPC",
            EventCategory.Memory => "memory",
            EventCategory.Process => "process",
            EventCategory.Sleep => "sleep",
            EventCategory.System => "system",
            EventCategory.Signal => "signal",
            EventCategory.User => "user",
            EventCategory.Time => "time",
            EventCategory.Processing => "processing",
            EventCategory.IoRead or EventCategory.IoWrite or EventCategory.IoOther => IoCategoryName(c.Fd),
            EventCategory.Wait => "wait",
            EventCategory.Scheduler => "scheduler",
            EventCategory.Internal => "internal",
            _ => "unknown",
        };
    }

    /// <summary>I/O events take their category from the fd they use.</summary>
    private static string IoCategoryName(FdInfo? fd) => fd?.Kind switch
    {
        FdKind.File or FdKind.Directory => "file",
        FdKind.Ipv4Socket or FdKind.Ipv6Socket or FdKind.Ipv4ServerSocket or FdKind.Ipv6ServerSocket => "net",
        FdKind.Fifo or FdKind.Unix or FdKind.Event or FdKind.SignalFd or FdKind.Inotify or FdKind.UserFaultFd => "ipc",
        _ => "unknown",
    };

    private static readonly ArgumentLocator s_resParam = ArgumentLocator.ForName("res");
    private static readonly ArgumentLocator s_fdParam = ArgumentLocator.ForName("fd");

    /// <summary>
    /// The syscall result as libsinsp finds it: the parameter named <c>res</c> whatever its type (so brk's address is
    /// a success), else the <c>fd</c> of an exit that creates one.
    /// </summary>
    internal static bool TryReturnValue(ScapEvent evt, out long value)
    {
        value = 0;
        int index = s_resParam.Find(evt);
        if (index < 0 && !evt.IsEnter && (evt.Info.Flags & EventFlags.CreatesFd) != 0)
        {
            index = s_fdParam.Find(evt);
        }
        return index >= 0 && evt.TryGetInt64(index, out value);
    }

    /// <summary>Nanoseconds since the first delivered event, unsigned as in libsinsp (events before it count from 0).</summary>
    private static ulong RelativeTime(EventContext c) => unchecked(c.Event.Timestamp - c.State.FirstEventTimestamp);

    private static bool ExtractResult(EventContext c, ref FieldValue v)
    {
        if (!TryReturnValue(c.Event, out long res))
        {
            return false;
        }
        if (res >= 0)
        {
            return Str("SUCCESS", ref v);
        }
        return Str(ErrnoNames.FromReturnValue(res) ?? res.ToString(CultureInfo.InvariantCulture), ref v);
    }

    private static bool ExtractErrorCount(EventContext c, ref FieldValue v) =>
        TryReturnValue(c.Event, out long res) && Int(res < 0 ? 1 : 0, ref v);

    private static bool BufferLength(EventContext c, ref FieldValue v) =>
        TryReturnValue(c.Event, out long res) && res >= 0 && Int(res, ref v);

    private static bool ExtractIoDirection(EventContext c, ref FieldValue v)
    {
        EventFlags flags = c.Event.Info.Flags;
        if ((flags & EventFlags.WritesToFd) != 0)
        {
            return Str("write", ref v);
        }
        if ((flags & EventFlags.ReadsFromFd) != 0)
        {
            return Str("read", ref v);
        }
        return false;
    }

    private static bool ExtractBuffer(EventContext c, TextCache texts, ref FieldValue v)
    {
        int index = s_dataParam.Find(c.Event);
        if (index < 0)
        {
            return false;
        }
        // Byte buffers travel as Latin-1 strings: one char per byte, so byte comparisons stay exact.
        v.String = texts.GetLatin1(c.Event.GetParam(index));
        return true;
    }

    private static bool IsFileErrorScope(EventContext c)
    {
        if (c.Fd is not null)
        {
            return c.Fd.Kind is FdKind.File or FdKind.Directory;
        }
        ushort t = c.Event.Type;
        return t == s_openExit || t == s_creatExit || t == s_openatExit || t == s_openat2Exit || t == s_openByHandleExit;
    }

    private static bool IsNetErrorScope(EventContext c)
    {
        if (c.Fd is not null)
        {
            return c.Fd.IsSocket;
        }
        ushort t = c.Event.Type;
        return t == s_acceptExit || t == s_accept4Exit || t == s_connectExit;
    }

    private static bool IsOpenEvent(ScapEvent evt, out uint flags, out bool newLayout)
    {
        flags = 0;
        ushort t = evt.Type;
        newLayout = t == s_openatExit || t == s_openat2Exit;
        if (t != s_openExit && !newLayout && t != s_openByHandleExit)
        {
            return false;
        }
        if (evt.TryGetUInt64(newLayout ? 3 : 2, out ulong f))
        {
            flags = (uint)f;
        }
        return true;
    }

    private static bool IsOpenCreate(ScapEvent evt)
    {
        if (!IsOpenEvent(evt, out uint flags, out _))
        {
            return false;
        }
        return (flags & OpenCreated) != 0
            || ((flags & OpenTmpFile) != 0 && TryReturnValue(evt, out long res) && res >= 0);
    }

    private static bool IsOpenExec(ScapEvent evt)
    {
        if (IsOpenEvent(evt, out uint flags, out bool newLayout))
        {
            if ((flags & (OpenTmpFile | OpenCreate)) != 0 && evt.Type != s_openByHandleExit
                && evt.TryGetUInt64(newLayout ? 4 : 3, out ulong mode))
            {
                return (mode & ModeExecBits) != 0;
            }
            return false;
        }
        return evt.Type == s_creatExit && evt.TryGetUInt64(2, out ulong creatMode) && (creatMode & ModeExecBits) != 0;
    }

    // ---- time text --------------------------------------------------------------------------------

    internal static string FormatTime(ulong ts, bool date, bool nanos)
    {
        DateTime time = DateTime.UnixEpoch.AddTicks((long)(ts / 100));
        ulong fraction = ts % 1_000_000_000;
        CultureInfo invariant = CultureInfo.InvariantCulture;
        return (date, nanos) switch
        {
            (true, true) => string.Create(invariant, stackalloc char[40], $"{time:yyyy-MM-dd HH:mm:ss}.{fraction:D9}"),
            (true, false) => string.Create(invariant, stackalloc char[40], $"{time:yyyy-MM-dd HH:mm:ss}"),
            (false, true) => string.Create(invariant, stackalloc char[40], $"{time:HH:mm:ss}.{fraction:D9}"),
            _ => string.Create(invariant, stackalloc char[40], $"{time:HH:mm:ss}"),
        };
    }

    internal static string FormatIso8601(ulong ts)
    {
        DateTime time = DateTime.UnixEpoch.AddTicks((long)(ts / 100));
        return string.Create(CultureInfo.InvariantCulture, stackalloc char[48], $"{time:yyyy-MM-ddTHH:mm:ss}.{ts % 1_000_000_000:D9}+0000");
    }

    // ---- extractor classes ------------------------------------------------------------------------

    /// <summary><c>evt.rawarg.NAME</c>: the parameter in its native type (numbers in Int, text in String).</summary>
    private sealed class RawArgExtractor(FieldDescriptor field, ArgumentLocator locator) : FieldExtractor(field), IFieldPrintFormat
    {
        private readonly TextCache _texts = new();
        private readonly ArgumentRenderer _renderer = new();

        public override ParamType Type => locator.DeclaredType;

        public ParamFormat PrintFormat => locator.DeclaredFormat;

        public override bool TryExtract(EventContext context, ref FieldValue value)
        {
            ScapEvent evt = context.Event;
            int index = locator.Find(evt);
            if (index < 0 || !evt.HasParam(index))
            {
                return false;
            }
            ParamType type = evt.Info.Parameters[index].Type;
            ReadOnlySpan<byte> p = evt.GetParam(index);
            switch (type)
            {
                case ParamType.Charbuf or ParamType.Fspath or ParamType.Fsrelpath:
                    value.String = _texts.GetUtf8(p);
                    return true;
                case ParamType.Bytebuf:
                    value.String = _texts.GetLatin1(p);
                    return true;
                case ParamType.Ipv4addr when p.Length >= 4:
                    value.Ip = _renderer.Addresses.Get(p[..4]);
                    return true;
                case ParamType.Ipv6addr when p.Length >= 16:
                    value.Ip = _renderer.Addresses.Get(p[..16]);
                    return true;
                case ParamType.Double when p.Length >= 8:
                    value.Double = BinaryPrimitives.ReadDoubleLittleEndian(p);
                    return true;
                case ParamType.Sockaddr or ParamType.Socktuple or ParamType.Fdlist or ParamType.Dyn or ParamType.Sigset:
                    value.String = _renderer.RenderRaw(context, index);
                    return true;
                default:
                    return evt.TryGetInt64(index, out value.Int);
            }
        }
    }
}
