using System.Globalization;
using System.Text;
using Falconet.Fields.ArgumentRendering;
using Falconet.Fields.Caching;
using Falconet.Fields.OutputFormats;
using static Falconet.Fields.FieldValues;

namespace Falconet.Fields;

/// <summary>The proc.* and thread.* fields (libsinsp semantics: proc.cmdline starts with comm, proc.a* look at ancestors, not self).</summary>
internal static class ProcessFields
{
    public static void Register(FieldRegistry registry)
    {
        registry.Add("proc.exe", ParamType.Charbuf, "The first command-line argument (argv[0]), usually the executable name or a custom one.",
            (EventContext c, ref FieldValue v) => Str(c.Thread?.Exe, ref v));
        registry.Add("proc.pexe", ParamType.Charbuf, "The proc.exe of the parent process.",
            (EventContext c, ref FieldValue v) => Str(Parent(c)?.Exe, ref v));
        AddAncestor(registry, "proc.aexe", ParamType.Charbuf, "The proc.exe of an ancestor: proc.aexe[1] the parent, [2] the grandparent…; without index, any ancestor.",
            t => t.Exe);
        registry.Add("proc.exepath", ParamType.Charbuf, "The full executable path of the process.",
            (EventContext c, ref FieldValue v) => Str(c.Thread?.ExePath, ref v));
        registry.Add("proc.pexepath", ParamType.Charbuf, "The proc.exepath of the parent process.",
            (EventContext c, ref FieldValue v) => Str(Parent(c)?.ExePath, ref v));
        AddAncestor(registry, "proc.aexepath", ParamType.Charbuf, "The proc.exepath of an ancestor (index as for proc.aname).", t => t.ExePath);
        registry.Add("proc.name", ParamType.Charbuf, "The process name (the kernel's 16-character comm).",
            (EventContext c, ref FieldValue v) => Str(c.Thread?.Comm, ref v));
        registry.Add("proc.pname", ParamType.Charbuf, "The name of the parent process.",
            (EventContext c, ref FieldValue v) => Str(Parent(c)?.Comm, ref v));
        AddAncestor(registry, "proc.aname", ParamType.Charbuf,
            "The name of an ancestor: proc.aname[0] this process, [1] the parent, [2] the grandparent…; without index a comparison matches when any ancestor (not this process) does.",
            t => t.Comm);
        AddArgs(registry);
        AddAncestor(registry, "proc.aargs", ParamType.Charbuf,
            "The proc.args of an ancestor: proc.aargs[1] the parent's, [2] the grandparent's…; without index, any ancestor.", Args);
        registry.Add("proc.loginshellid", ParamType.Int64,
            "The pid of the oldest shell (a process name ending in 'sh') among the process and its ancestors, if there is one.",
            (EventContext c, ref FieldValue v) => Int(c.Thread is not null && LoginShellId(c) is var id and not 0 ? id : null, ref v));
        registry.Add("proc.fdusage", ParamType.Double, "The ratio between open FDs and maximum available FDs for the process, as a percentage.",
            (EventContext c, ref FieldValue v) => (Main(c) ?? c.Thread) is { } m && Percent(m.Fds.Count, m.FdLimit, ref v));
        AddExecTime(registry);
        registry.Add("proc.cmdline", ParamType.Charbuf, "The process name followed by its arguments, space separated.",
            (EventContext c, ref FieldValue v) => Str(c.Thread is null ? null : Cmdline(c.Thread), ref v));
        registry.Add("proc.pcmdline", ParamType.Charbuf, "The proc.cmdline of the parent process.",
            (EventContext c, ref FieldValue v) => Str(Parent(c) is { } p ? Cmdline(p) : null, ref v));
        AddAncestor(registry, "proc.acmdline", ParamType.Charbuf, "The proc.cmdline of an ancestor (index as for proc.aname).", Cmdline);
        registry.Add("proc.cmdnargs", ParamType.Uint64, "The number of command-line arguments (argv[1..]).",
            (EventContext c, ref FieldValue v) => Int(c.Thread?.Args.Length, ref v));
        registry.Add("proc.cmdlenargs", ParamType.Uint64, "The total length of the command-line arguments, without separators.",
            (EventContext c, ref FieldValue v) => Int(c.Thread is null ? null : ArgsLength(c.Thread), ref v));
        registry.Add("proc.exeline", ParamType.Charbuf, "proc.exe followed by the arguments, space separated.",
            (EventContext c, ref FieldValue v) => Str(c.Thread is null ? null : Exeline(c.Thread), ref v));
        AddEnv(registry);
        registry.Add(new FieldDescriptor("proc.aenv", ParamType.Charbuf,
            "The environment of the ancestors: without argument (or [0]) a comparison matches when any ancestor's environment does and an output shows the process's own; proc.aenv[N] the Nth ancestor's environment (in a comparison, any ancestor's, as in Falco); proc.aenv[NAME] the first value of NAME up the ancestors (20 at most).",
            (field, argument) => new AncestorEnvExtractor(field, argument), FieldArgumentMode.Optional, FieldFlags.NoRhs | FieldFlags.NoTransformer));
        registry.Add("proc.cwd", ParamType.Charbuf, "The current working directory.",
            (EventContext c, ref FieldValue v) => Str(c.Thread is null ? null : c.State.CwdOf(c.Thread), ref v));
        registry.Add("proc.tty", ParamType.Uint32, "The controlling terminal of the process; 0 when none.",
            (EventContext c, ref FieldValue v) => Int(c.Thread?.Tty, ref v));
        registry.Add("proc.pid", ParamType.Int64, "The id of the process (host pid namespace).",
            (EventContext c, ref FieldValue v) => Int(c.Thread?.Pid, ref v));
        registry.Add("proc.ppid", ParamType.Int64, "The pid of the parent process.",
            (EventContext c, ref FieldValue v) => Int(Main(c) is { ParentTid: >= 0 } m ? m.ParentTid : null, ref v));
        AddAncestor(registry, "proc.apid", ParamType.Int64, "The pid of an ancestor (index as for proc.aname).", t => t.Pid);
        registry.Add("proc.vpid", ParamType.Int64, "The id of the process in its own pid namespace.",
            (EventContext c, ref FieldValue v) => Int(Main(c) is { Vpid: >= 0 } m ? m.Vpid : null, ref v));
        registry.Add("proc.pvpid", ParamType.Int64, "The proc.vpid of the parent process.",
            (EventContext c, ref FieldValue v) => Int(Parent(c) is { Vpid: >= 0 } p ? p.Vpid : null, ref v));
        registry.Add("proc.sid", ParamType.Int64, "The session id of the process.",
            (EventContext c, ref FieldValue v) => Int(c.Thread?.Sid, ref v));
        AddLeader(registry, "proc.sname", "proc.sid", "the session leader", static t => t.Sid);
        registry.Add("proc.vpgid", ParamType.Int64, "The process group id as seen from the process's pid namespace.",
            (EventContext c, ref FieldValue v) => Int(c.Thread?.Vpgid, ref v));
        AddLeader(registry, "proc.vpgid.name", "proc.vpgid", "the process group leader", static t => t.Vpgid);
        registry.Add("proc.pgid", ParamType.Int64, "The process group id (host pid namespace).",
            (EventContext c, ref FieldValue v) => Int(c.Thread?.Pgid, ref v));
        AddLeader(registry, "proc.pgid.name", "proc.pgid", "the process group leader (host pid namespace)", static t => t.Pgid);
        registry.Add("proc.is_sid_leader", ParamType.Bool, "True when the process is its session's leader.",
            (EventContext c, ref FieldValue v) => Bool(c.Thread is null ? null : c.Thread.Sid == c.Thread.Vpid, ref v));
        registry.Add("proc.is_vpgid_leader", ParamType.Bool, "True when the process is its process group's leader (proc.vpgid == proc.vpid).",
            (EventContext c, ref FieldValue v) => Bool(c.Thread is null ? null : c.Thread.Vpgid == c.Thread.Vpid, ref v));
        registry.Add("proc.is_pgid_leader", ParamType.Bool, "True when the process is its process group's leader (host pid namespace).",
            (EventContext c, ref FieldValue v) => Bool(c.Thread is null ? null : c.Thread.Pgid == c.Thread.Pid, ref v));
        registry.Add("proc.is_exe_writable", ParamType.Bool, "True when the executable is writable by the process's user.",
            (EventContext c, ref FieldValue v) => Bool(c.Thread?.ExeWritable, ref v));
        registry.Add("proc.is_exe_upper_layer", ParamType.Bool, "True when the executable is in the upper layer of an overlayfs.",
            (EventContext c, ref FieldValue v) => Bool(c.Thread?.ExeUpperLayer, ref v));
        registry.Add("proc.is_exe_lower_layer", ParamType.Bool, "True when the executable is in a lower layer of an overlayfs.",
            (EventContext c, ref FieldValue v) => Bool(c.Thread?.ExeLowerLayer, ref v));
        registry.Add("proc.is_exe_from_memfd", ParamType.Bool, "True when the executable is a memfd (fileless execution).",
            (EventContext c, ref FieldValue v) => Bool(c.Thread?.ExeFromMemfd, ref v));
        registry.Add("proc.exe_ino", ParamType.Int64, "The inode number of the executable.",
            (EventContext c, ref FieldValue v) => Int(c.Thread is { ExeIno: > 0 } t ? (long)t.ExeIno : null, ref v));
        registry.Add("proc.exe_ino.ctime", ParamType.Abstime, "The last status change time of the executable's inode (ns since epoch).",
            (EventContext c, ref FieldValue v) => Int(c.Thread is { ExeInoCtime: > 0 } t ? (long)t.ExeInoCtime : null, ref v));
        registry.Add("proc.exe_ino.mtime", ParamType.Abstime, "The last modification time of the executable's inode (ns since epoch).",
            (EventContext c, ref FieldValue v) => Int(c.Thread is { ExeInoMtime: > 0 } t ? (long)t.ExeInoMtime : null, ref v));
        registry.Add("proc.exe_ino.ctime_duration_proc_start", ParamType.Abstime,
            "Nanoseconds between the last status change of the executable's inode and the start of the process (known when both are).",
            (EventContext c, ref FieldValue v) => Int(Main(c) is { ExeInoCtime: > 0, CloneTs: > 0 } m && m.CloneTs >= m.ExeInoCtime
                ? (long)(m.CloneTs - m.ExeInoCtime) : null, ref v));
        registry.Add("proc.exe_ino.ctime_duration_pidns_start", ParamType.Abstime,
            "Nanoseconds between the start of the process's pid namespace and the last status change of the executable's inode.",
            (EventContext c, ref FieldValue v) => Int(Main(c) is { ExeInoCtime: > 0, PidNsInitStartTs: > 0 } m && m.ExeInoCtime >= m.PidNsInitStartTs
                ? (long)(m.ExeInoCtime - m.PidNsInitStartTs) : null, ref v));
        registry.Add("proc.pidns_init_start_ts", ParamType.Uint64, "The start time of the process's pid namespace init (ns).",
            (EventContext c, ref FieldValue v) => Int(c.Thread is { PidNsInitStartTs: > 0 } t ? (long)t.PidNsInitStartTs : null, ref v));
        registry.Add("proc.fdopencount", ParamType.Uint64, "The number of open fds of the process.",
            (EventContext c, ref FieldValue v) => Int(c.Thread?.Fds.Count, ref v));
        registry.Add("proc.fdlimit", ParamType.Int64, "The maximum number of fds the process may open.",
            (EventContext c, ref FieldValue v) => Int(c.Thread is null ? null : (long)c.Thread.FdLimit, ref v));
        registry.Add("proc.vmsize", ParamType.Uint64, "The total virtual memory of the process (kb).",
            (EventContext c, ref FieldValue v) => Int(Main(c)?.VmSizeKb, ref v));
        registry.Add("proc.vmrss", ParamType.Uint64, "The resident memory of the process (kb).",
            (EventContext c, ref FieldValue v) => Int(Main(c)?.VmRssKb, ref v));
        registry.Add("proc.vmswap", ParamType.Uint64, "The swapped memory of the process (kb).",
            (EventContext c, ref FieldValue v) => Int(Main(c)?.VmSwapKb, ref v));
        registry.Add("thread.pfmajor", ParamType.Uint64, "The number of major page faults since the thread started.",
            (EventContext c, ref FieldValue v) => Int(c.Thread is null ? null : (long)c.Thread.PageFaultsMajor, ref v));
        registry.Add("thread.pfminor", ParamType.Uint64, "The number of minor page faults since the thread started.",
            (EventContext c, ref FieldValue v) => Int(c.Thread is null ? null : (long)c.Thread.PageFaultsMinor, ref v));
        registry.Add("thread.tid", ParamType.Int64, "The id of the thread that generated the event.",
            (EventContext c, ref FieldValue v) => Int(c.Thread?.Tid ?? (c.Event.ThreadId >= 0 ? c.Event.ThreadId : null), ref v));
        registry.Add("thread.ismain", ParamType.Bool, "True when the thread is the main one of its process.",
            (EventContext c, ref FieldValue v) => Bool(c.Thread?.IsMainThread, ref v));
        registry.Add("thread.vtid", ParamType.Int64, "The id of the thread as seen from its pid namespace.",
            (EventContext c, ref FieldValue v) => Int(c.Thread is { Vtid: >= 0 } t ? t.Vtid : null, ref v));
        registry.Add("thread.cgroups", ParamType.Charbuf, "All the cgroups of the thread, space separated (subsystem=path).",
            FieldArgumentMode.None, FieldFlags.None, _ =>
            {
                // The state replaces a thread's cgroup array when the cgroups change, so the joined text lives beside
                // the array; one table per compiled reference, so engines (and tests) never grow each other's table.
                var cgroupsText = new DerivedText<string[]>(static cgroups => string.Join(' ', cgroups));
                return (EventContext c, ref FieldValue v) => Str(c.Thread is null ? null : cgroupsText.Get(c.Thread.Cgroups), ref v);
            });
        AddCgroup(registry);
        registry.Add("proc.nthreads", ParamType.Uint64, "The number of alive threads of the process (including the main one).",
            (EventContext c, ref FieldValue v) => Int(c.Thread is null ? null : ThreadQueries.CountThreads(c.State, c.Thread.Pid), ref v));
        registry.Add("proc.nchilds", ParamType.Uint64, "The number of alive child threads and processes, excluding the main thread.",
            (EventContext c, ref FieldValue v) => Int(c.Thread is null ? null : ThreadQueries.CountThreads(c.State, c.Thread.Pid, excludeMain: true), ref v));
        registry.Add("thread.vmsize", ParamType.Uint64, "The virtual memory of the thread's process (kb).",
            (EventContext c, ref FieldValue v) => Int(c.Thread?.VmSizeKb, ref v));
        registry.Add("thread.vmrss", ParamType.Uint64, "The resident memory of the thread's process (kb).",
            (EventContext c, ref FieldValue v) => Int(c.Thread?.VmRssKb, ref v));
        AddThreadCpu(registry, "thread.cpu", "The CPU consumed by the thread in the last second (procinfo events only).", user: true, system: true);
        AddThreadCpu(registry, "thread.cpu.user", "The user CPU consumed by the thread in the last second (procinfo events only).", user: true, system: false);
        AddThreadCpu(registry, "thread.cpu.system", "The system CPU consumed by the thread in the last second (procinfo events only).", user: false, system: true);
        registry.Add("thread.cap_permitted", ParamType.Charbuf, "The permitted capabilities of the thread.",
            (EventContext c, ref FieldValue v) => Str(c.Thread is null ? null : Capabilities.Format(c.Thread.CapPermitted), ref v));
        registry.Add("thread.cap_inheritable", ParamType.Charbuf, "The inheritable capabilities of the thread.",
            (EventContext c, ref FieldValue v) => Str(c.Thread is null ? null : Capabilities.Format(c.Thread.CapInheritable), ref v));
        registry.Add("thread.cap_effective", ParamType.Charbuf, "The effective capabilities of the thread.",
            (EventContext c, ref FieldValue v) => Str(c.Thread is null ? null : Capabilities.Format(c.Thread.CapEffective), ref v));
        registry.Add("proc.duration", ParamType.Reltime, "Nanoseconds since the process started (known only for processes created during the capture).",
            (EventContext c, ref FieldValue v) => Int(c.Thread is { CloneTs: > 0 } t ? (long)(c.Event.Timestamp - t.CloneTs) : null, ref v));
        registry.Add("proc.pid.ts", ParamType.Reltime, "The start time of the process (ns since epoch; known only for processes created during the capture).",
            (EventContext c, ref FieldValue v) => Int(Main(c) is { CloneTs: > 0 } m ? (long)m.CloneTs : null, ref v));
        registry.Add("proc.ppid.ts", ParamType.Reltime, "The start time of the parent process (ns since epoch).",
            (EventContext c, ref FieldValue v) => Int(Parent(c) is { CloneTs: > 0 } p ? (long)p.CloneTs : null, ref v));
        registry.Add("proc.ppid.duration", ParamType.Reltime, "Nanoseconds since the parent process started.",
            (EventContext c, ref FieldValue v) => Int(Parent(c) is { CloneTs: > 0 } p ? (long)(c.Event.Timestamp - p.CloneTs) : null, ref v));
        foreach ((string stream, long number) in (ReadOnlySpan<(string, long)>)[("stdin", 0), ("stdout", 1), ("stderr", 2)])
        {
            long fdNumber = number;
            registry.Add($"proc.{stream}.type", ParamType.Charbuf, $"The type of the process's {stream} fd (file, pipe, ipv4 …).",
                (EventContext c, ref FieldValue v) => Str(c.Thread?.Fds.Find(fdNumber) is { } fd ? FdChars.TypeName(fd.Kind) : null, ref v));
            registry.Add($"proc.{stream}.name", ParamType.Charbuf, $"The name of the process's {stream} fd.",
                (EventContext c, ref FieldValue v) => Str(c.Thread?.Fds.Find(fdNumber)?.Name, ref v));
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static long ArgsLength(ThreadInfo t)
    {
        long length = 0;
        foreach (string arg in t.Args)
        {
            length += arg.Length;
        }
        return length;
    }

    /// <summary>The name, exe and exepath of a leader (session, process group): the first field is named <paramref name="nameField"/>, the others prefix.exe and prefix.exepath.</summary>
    private static void AddLeader(FieldRegistry registry, string nameField, string prefix, string leader, Func<ThreadInfo, long> id)
    {
        registry.Add(nameField, ParamType.Charbuf, $"The name of {leader}.",
            (EventContext c, ref FieldValue v) => Str(Leader(c, id)?.Comm, ref v));
        registry.Add(prefix + ".exe", ParamType.Charbuf, $"The proc.exe of {leader}.",
            (EventContext c, ref FieldValue v) => Str(Leader(c, id)?.Exe, ref v));
        registry.Add(prefix + ".exepath", ParamType.Charbuf, $"The proc.exepath of {leader}.",
            (EventContext c, ref FieldValue v) => Str(Leader(c, id)?.ExePath, ref v));
    }

    private static ThreadInfo? Main(EventContext c) => c.Thread is null ? null : c.State.FindMainThread(c.Thread);

    private static ThreadInfo? Parent(EventContext c) => c.Thread is null ? null : c.State.FindParent(c.Thread);

    private static ThreadInfo? Leader(EventContext c, Func<ThreadInfo, long> id)
    {
        if (c.Thread is null)
        {
            return null;
        }
        long leaderId = id(c.Thread);
        if (leaderId < 0)
        {
            return null;
        }
        // Walk up while the ancestors share the id: the topmost one is the leader (as libsinsp does).
        ThreadInfo? leader = c.State.FindThread(leaderId);
        if (leader is not null)
        {
            return leader;
        }
        ThreadInfo current = c.Thread;
        for (ThreadInfo? p = c.State.FindParent(current); p is not null && id(p) == leaderId; p = c.State.FindParent(p))
        {
            current = p;
        }
        return current;
    }

    internal static string Cmdline(ThreadInfo t) =>
        t.CacheOf<ProcessTextCache>().Cmdline ??= t.Args.Length == 0 ? t.Comm : t.Comm + " " + string.Join(' ', t.Args);

    private static string Args(ThreadInfo t) => t.CacheOf<ProcessTextCache>().Args ??= string.Join(' ', t.Args);

    private static string Exeline(ThreadInfo t) =>
        t.CacheOf<ProcessTextCache>().Exeline ??= t.Args.Length == 0 ? t.Exe : t.Exe + " " + string.Join(' ', t.Args);

    /// <summary>libsinsp's login shell: the last (oldest) process whose name ends in "sh" walking up from the thread itself.</summary>
    private static long LoginShellId(EventContext c)
    {
        long id = 0;
        int steps = 0;
        for (ThreadInfo? t = c.Thread; t is not null && steps++ < MaxAncestors; t = c.State.FindParent(t))
        {
            if (t.Comm.EndsWith("sh", StringComparison.Ordinal))
            {
                id = t.Pid;
            }
        }
        return id;
    }

    private static bool Percent(int open, ulong limit, ref FieldValue v)
    {
        v.Double = limit > 0 ? open * 100.0 / limit : 0;
        return true;
    }

    /// <summary>The Nth ancestor: 0 the thread itself, 1 the parent process, 2 the grandparent …</summary>
    private static ThreadInfo? Ancestor(EventContext c, int level)
    {
        ThreadInfo? t = c.Thread;
        for (int i = 0; i < level && t is not null; i++)
        {
            t = c.State.FindParent(t);
        }
        return t;
    }

    private static void AddAncestor(FieldRegistry registry, string name, ParamType type, string description, Func<ThreadInfo, string> select) =>
        AddAncestor(registry, name, type, description, select, null);

    private static void AddAncestor(FieldRegistry registry, string name, ParamType type, string description, Func<ThreadInfo, long> select) =>
        AddAncestor(registry, name, type, description, null, select);

    /// <summary>At most this many ancestors take part in an "any ancestor" comparison.</summary>
    private const int MaxAncestors = 64;

    /// <summary>
    /// An ancestor field. With an index it extracts one ancestor. Without one it extracts every ancestor
    /// (parent first, not the process itself) into <see cref="FieldValue.List"/> as text — the condition engine compares
    /// "any of them"; <see cref="FieldValue.String"/>/<see cref="FieldValue.Int"/> then hold the parent's value.
    /// The list is a buffer of the extractor, refilled on each call.
    /// </summary>
    private static void AddAncestor(FieldRegistry registry, string name, ParamType type, string description,
        Func<ThreadInfo, string>? selectText, Func<ThreadInfo, long>? selectNumber) =>
        registry.Add(new FieldDescriptor(name, type, description, (field, argument) =>
        {
            int level = FieldArguments.OptionalIndex(name, argument, "ancestor index");
            return level >= 0
                ? new DelegateFieldExtractor(field, (EventContext c, ref FieldValue v) =>
                {
                    if (Ancestor(c, level) is not { } a)
                    {
                        return false;
                    }
                    SetFrom(a, selectText, selectNumber, ref v);
                    return true;
                })
                : new AnyAncestorExtractor(field, selectText, selectNumber);
        }, FieldArgumentMode.Optional, FieldFlags.NoRhs | FieldFlags.NoTransformer));

    /// <summary>
    /// An ancestor field without index. A condition compares every ancestor (parent first, not the process itself):
    /// <see cref="FieldValue.List"/> holds them as text, <see cref="FieldValue.String"/>/<see cref="FieldValue.Int"/>
    /// the parent's value; the list is a buffer of the extractor, refilled on each call. An output shows what Falco
    /// 0.44.1 prints (measured): the text fields joined with spaces (&lt;NA&gt; when every one is empty), proc.apid the
    /// process's own pid.
    /// </summary>
    private sealed class AnyAncestorExtractor(FieldDescriptor field, Func<ThreadInfo, string>? selectText, Func<ThreadInfo, long>? selectNumber)
        : FieldExtractor(field)
    {
        private readonly List<string> _all = new(MaxAncestors);
        private readonly Dictionary<long, string> _numberTexts = [];
        private readonly StringBuilder _joined = new(256);
        private readonly TextCache _texts = new();

        public override bool TryExtract(EventContext context, ref FieldValue value)
        {
            ThreadInfo? parent = context.Thread is null ? null : context.State.FindParent(context.Thread);
            if (parent is null)
            {
                return false;
            }
            _all.Clear();
            for (ThreadInfo? a = parent; a is not null && _all.Count < MaxAncestors; a = context.State.FindParent(a))
            {
                _all.Add(selectText is not null ? selectText(a) : NumberText(_numberTexts, selectNumber!(a)));
            }
            SetFrom(parent, selectText, selectNumber, ref value);
            value.List = _all;
            return true;
        }

        public override bool TryExtractForOutput(EventContext context, ref FieldValue value)
        {
            if (selectText is null)
            {
                ThreadInfo? main = context.Thread is null ? null : context.State.FindMainThread(context.Thread) ?? context.Thread;
                return main is not null && Int(selectNumber!(main), ref value);
            }
            if (!TryExtract(context, ref value))
            {
                return false;
            }
            value.List = null;
            _joined.Clear();
            bool any = false;
            for (int i = 0; i < _all.Count; i++)
            {
                if (i > 0)
                {
                    _joined.Append(' ');
                }
                _joined.Append(_all[i]);
                any |= _all[i].Length > 0;
            }
            return any && Str(_texts.Get(_joined), ref value);
        }
    }

    /// <summary>The decimal text of <paramref name="number"/> (a pid), made once per extractor and number.</summary>
    private static string NumberText(Dictionary<long, string> texts, long number)
    {
        if (!texts.TryGetValue(number, out string? text))
        {
            if (texts.Count >= 4096)
            {
                texts.Clear();
            }
            text = number.ToString(CultureInfo.InvariantCulture);
            texts[number] = text;
        }
        return text;
    }

    private static void SetFrom(ThreadInfo t, Func<ThreadInfo, string>? selectText, Func<ThreadInfo, long>? selectNumber, ref FieldValue v)
    {
        if (selectText is not null)
        {
            v.String = selectText(t);
        }
        else
        {
            v.Int = selectNumber!(t);
        }
    }

    private static void AddArgs(FieldRegistry registry) =>
        registry.Add("proc.args", ParamType.Charbuf,
            "The arguments of the process (argv[1..]), space separated; proc.args[N] is the Nth argument (1-based as argv).",
            FieldArgumentMode.Optional, FieldFlags.None, argument =>
            {
                int index = FieldArguments.OptionalIndex("proc.args", argument, "argument index");
                if (index < 0)
                {
                    return static (EventContext c, ref FieldValue v) => c.Thread is not null && Str(Args(c.Thread), ref v);
                }
                // argv[0] is proc.exe, so proc.args[1] is the first element of Args.
                int i = index - 1;
                return (EventContext c, ref FieldValue v) => c.Thread is not null && i >= 0 && i < c.Thread.Args.Length && Str(c.Thread.Args[i], ref v);
            });

    private static void AddEnv(FieldRegistry registry) =>
        registry.Add("proc.env", ParamType.Charbuf,
            "The environment of the process, space separated; proc.env[NAME] is the value of one variable.",
            FieldArgumentMode.Optional, FieldFlags.None, argument =>
            {
                string? variable = argument?.Text;
                DerivedText<string> values = KeyValueEntries.NewValueTable();
                return (EventContext c, ref FieldValue v) =>
                {
                    ThreadInfo? t = c.Thread is null ? null : c.State.FindMainThread(c.Thread) ?? c.Thread;
                    if (t is null)
                    {
                        return false;
                    }
                    return variable is null
                        ? Str(t.CacheOf<ProcessTextCache>().Env ??= string.Join(' ', t.Env), ref v)
                        : Str(KeyValueEntries.Find(t.Env, variable, values), ref v);
                };
            });

    private static readonly ushort s_procInfo = EventTable.IdsByName("procinfo")[0];

    /// <summary>
    /// thread.cpu*, computed as libsinsp does on procinfo events: the chosen CPU times (user, system or both) summed,
    /// minus the total the previous thread.cpu* extraction left on the thread, capped at 100 (0 the first time, and
    /// an unsigned wrap when the total shrinks). The total is one per thread for all three fields, so each extraction
    /// (condition, output text, output fields) changes what the next one reads, as in Falco.
    /// </summary>
    private static void AddThreadCpu(FieldRegistry registry, string name, string description, bool user, bool system) =>
        registry.Add(name, ParamType.Double, description, (EventContext c, ref FieldValue v) =>
        {
            ScapEvent evt = c.Event;
            if (evt.Type != s_procInfo || c.Thread is not { } t)
            {
                return false;
            }
            ulong total = (user && evt.TryGetUInt64(0, out ulong u) ? u : 0) + (system && evt.TryGetUInt64(1, out ulong s) ? s : 0);
            ulong last = t.CpuFieldTotal;
            v.Double = last == 0 ? 0 : Math.Min((double)unchecked(total - last), 100);
            t.CpuFieldTotal = total;
            return true;
        });

    /// <summary>
    /// thread.exectime and thread.totexectime. libsinsp derives them from scheduler switch events, but Falco 0.44.1
    /// shows 0 for both on every event of the reference captures, switch events included (measured with the build in
    /// ../shared/peer): so do these, thread.exectime even without a thread, thread.totexectime only with one.
    /// </summary>
    private static void AddExecTime(FieldRegistry registry)
    {
        registry.Add("thread.exectime", ParamType.Reltime, "CPU time spent by the last scheduled thread, in nanoseconds. Exported by switch events only.",
            (EventContext c, ref FieldValue v) => Int(0, ref v), style: FieldOutputStyle.JsonInteger);
        registry.Add("thread.totexectime", ParamType.Reltime,
            "Total CPU time, in nanoseconds since the beginning of the capture, for the current thread. Exported by switch events only.",
            (EventContext c, ref FieldValue v) => c.Thread is not null && Int(0, ref v), style: FieldOutputStyle.JsonInteger);
    }

    private static void AddCgroup(FieldRegistry registry) =>
        registry.Add("thread.cgroup", ParamType.Charbuf,
            "The cgroup of the thread for one subsystem, e.g. thread.cgroup.cpuacct.", FieldArgumentMode.Required, FieldFlags.ArgDotted, argument =>
            {
                string subsystem = FieldArguments.Required(argument, "thread.cgroup requires a subsystem, e.g. thread.cgroup.cpuacct");
                DerivedText<string> values = KeyValueEntries.NewValueTable();
                return (EventContext c, ref FieldValue v) => c.Thread is not null && Str(KeyValueEntries.Find(c.Thread.Cgroups, subsystem, values), ref v);
            });

    /// <summary>The environment text of <paramref name="t"/>'s process, as proc.env prints it (made once per thread).</summary>
    private static string EnvText(EventContext c, ThreadInfo t)
    {
        ThreadInfo main = c.State.FindMainThread(t) ?? t;
        return main.CacheOf<ProcessTextCache>().Env ??= string.Join(' ', main.Env);
    }

    /// <summary>
    /// proc.aenv, with libsinsp's three forms. A condition without a variable name (no argument, [0] or [N]) compares
    /// every ancestor's environment (parent first); an output shows the process's own for no argument or [0], the Nth
    /// ancestor's for [N]. proc.aenv[NAME] is the first non-empty value of NAME among up to 20 ancestors, else empty.
    /// </summary>
    private sealed class AncestorEnvExtractor : FieldExtractor
    {
        private const int MaxVariableLevels = 20;

        private readonly string? _variable;
        private readonly int _level;
        private readonly List<string> _all = new(MaxAncestors);
        private readonly DerivedText<string> _values = KeyValueEntries.NewValueTable();

        public AncestorEnvExtractor(FieldDescriptor field, FieldArgument? argument)
            : base(field)
        {
            _level = -1;
            if (argument is null || argument.Text.Length == 0)
            {
                return;
            }
            if (argument.Text.All(char.IsAsciiDigit))
            {
                _level = argument.Text.Length > 9 ? int.MaxValue : argument.Index;
            }
            else
            {
                _variable = argument.Text;
            }
        }

        public override bool TryExtract(EventContext context, ref FieldValue value)
        {
            if (context.Thread is not { } t)
            {
                return false;
            }
            if (_variable is not null)
            {
                return Str(FindVariable(context, t), ref value);
            }
            _all.Clear();
            for (ThreadInfo? a = context.State.FindParent(t); a is not null && _all.Count < MaxAncestors; a = context.State.FindParent(a))
            {
                _all.Add(EnvText(context, a));
            }
            value.String = _all.Count > 0 ? _all[0] : null;
            value.List = _all;
            return true;
        }

        public override bool TryExtractForOutput(EventContext context, ref FieldValue value)
        {
            if (context.Thread is not { } t)
            {
                return false;
            }
            if (_variable is not null)
            {
                return Str(FindVariable(context, t), ref value);
            }
            if (_level < 1)
            {
                return Str(EnvText(context, t), ref value);
            }
            ThreadInfo? a = t;
            for (int i = 0; i < _level && a is not null; i++)
            {
                a = context.State.FindParent(a);
            }
            return a is not null && Str(EnvText(context, a), ref value);
        }

        private string FindVariable(EventContext context, ThreadInfo t)
        {
            ThreadInfo? a = t;
            for (int i = 0; i < MaxVariableLevels; i++)
            {
                a = context.State.FindParent(a);
                if (a is null)
                {
                    break;
                }
                ThreadInfo main = context.State.FindMainThread(a) ?? a;
                if (KeyValueEntries.Find(main.Env, _variable!, _values) is { Length: > 0 } found)
                {
                    return found;
                }
            }
            return "";
        }
    }
}
