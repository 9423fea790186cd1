namespace Falconet.State;

/// <summary>
/// What is known about one thread (libsinsp's threadinfo). Threads of one process share the
/// main thread's <see cref="Fds"/>. Built from the process list or /proc, then kept current by events.
/// </summary>
public sealed class ThreadInfo
{
    public ThreadInfo(long tid)
        : this(tid, new FdTable())
    {
    }

    /// <summary>A thread that starts with <paramref name="fds"/> (its leader's table, or a copy of its parent's).</summary>
    public ThreadInfo(long tid, FdTable fds)
    {
        Tid = tid;
        Fds = fds;
    }

    public long Tid { get; }
    public long Pid { get; set; }
    public long ParentTid { get; set; } = -1;
    public long Sid { get; set; } = -1;
    public long Vpgid { get; set; } = -1;
    public long Pgid { get; set; } = -1;
    public long Vtid { get; set; } = -1;
    public long Vpid { get; set; } = -1;

    /// <summary>The 16-character kernel comm (<c>proc.name</c>).</summary>
    public string Comm { get; set; } = "";

    /// <summary>argv[0] (<c>proc.exe</c>).</summary>
    public string Exe { get; set; } = "";

    /// <summary>Full executable path (<c>proc.exepath</c>).</summary>
    public string ExePath { get; set; } = "";

    /// <summary>argv[1..].</summary>
    public string[] Args { get; set; } = [];
    public string[] Env { get; set; } = [];

    /// <summary>Working directory, always ending in '/'.</summary>
    public string Cwd { get; set; } = "";
    public string Root { get; set; } = "";
    public string[] Cgroups { get; set; } = [];
    public ulong FdLimit { get; set; }

    /// <summary>PPM_CL_* clone flags.</summary>
    public uint Flags { get; set; }
    public uint Uid { get; set; } = uint.MaxValue;
    public uint Gid { get; set; } = uint.MaxValue;

    /// <summary>0xFFFFFFFF when unset (printed as -1).</summary>
    public uint LoginUid { get; set; } = uint.MaxValue;
    public uint Tty { get; set; }
    public ulong CapInheritable { get; set; }
    public ulong CapPermitted { get; set; }
    public ulong CapEffective { get; set; }
    public bool ExeWritable { get; set; }
    public bool ExeUpperLayer { get; set; }
    public bool ExeLowerLayer { get; set; }
    public bool ExeFromMemfd { get; set; }
    public ulong ExeIno { get; set; }
    public ulong ExeInoCtime { get; set; }
    public ulong ExeInoMtime { get; set; }
    public uint VmSizeKb { get; set; }
    public uint VmRssKb { get; set; }
    public uint VmSwapKb { get; set; }
    public ulong PageFaultsMajor { get; set; }
    public ulong PageFaultsMinor { get; set; }
    public ulong PidNsInitStartTs { get; set; }

    /// <summary>Time the thread was created (clone exit), 0 if it came from a snapshot.</summary>
    public ulong CloneTs { get; set; }

    /// <summary>Time of the last successful execve, 0 if none seen.</summary>
    public ulong LastExecTs { get; set; }

    /// <summary>Short (12-character) container id from the cgroups, "" outside containers.</summary>
    public string ContainerId { get; set; } = "";

    /// <summary>Full (64-character) container id from the cgroups, "" outside containers.</summary>
    public string ContainerFullId { get; set; } = "";

    /// <summary>Number of live threads whose parent is this thread.</summary>
    public int ChildCount { get; set; }

    /// <summary>
    /// True for a thread libsinsp would invent for an event of an unknown tid in capture mode
    /// (pid -1, comm and exe "&lt;NA&gt;", uid/gid unknown).
    /// </summary>
    public bool IsInvented { get; set; }

    /// <summary>The fd table; for non-leader threads this is the leader's table.</summary>
    public FdTable Fds { get; set; }

    /// <summary>The fd the last fd-using event of this thread referred to (sinsp's lastevent_fd).</summary>
    public long LastEventFd { get; set; } = -1;

    public bool IsMainThread => Tid == Pid;

    // Links of the per-process thread list kept by SystemState (threads by pid), so an execve finds the
    // other threads of its process without walking every thread.
    internal ThreadInfo? NextInProcess;
    internal ThreadInfo? PreviousInProcess;
    internal long IndexedPid;
    internal bool IsIndexed;

    /// <summary>Cached <c>proc.cmdline</c>; cleared when Comm or Args change.</summary>
    public string? CachedCmdline { get; set; }

    /// <summary>Cached <c>proc.args</c>; cleared when Args change.</summary>
    public string? CachedArgs { get; set; }

    /// <summary>Cached <c>proc.exeline</c>; cleared when Exe or Args change.</summary>
    public string? CachedExeline { get; set; }

    /// <summary>Cached <c>proc.env</c>; cleared when Env changes.</summary>
    public string? CachedEnv { get; set; }

    public void InvalidateCaches()
    {
        CachedCmdline = null;
        CachedArgs = null;
        CachedExeline = null;
        CachedEnv = null;
    }

    /// <summary>Sets the cgroups and the container ids derived from them.</summary>
    public void SetCgroups(string[] cgroups)
    {
        Cgroups = cgroups;
        ContainerFullId = ContainerIdParser.FindFullId(cgroups);
        ContainerId = ContainerFullId.Length >= ContainerIdParser.ShortIdLength ? ContainerFullId[..ContainerIdParser.ShortIdLength] : "";
    }

    public override string ToString() => $"{Comm}({Tid}/{Pid})";
}
