namespace Falconet.State;

/// <summary>
/// What is known about one thread (libsinsp's threadinfo). Threads of one process share the
/// main thread's <see cref="Fds"/>. Built from the process list or /proc, then kept current by events;
/// only the state engine changes it.
/// </summary>
public sealed class ThreadInfo
{
    private string _comm = "";
    private string _exe = "";
    private string[] _args = [];
    private string[] _env = [];

    /// <summary>A thread with an fd table of its own.</summary>
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

    /// <summary>Thread id (host pid namespace).</summary>
    public long Tid { get; }

    /// <summary>Process id: the tid of the thread-group leader; -1 for an invented thread.</summary>
    public long Pid { get; internal set; }

    /// <summary>The tid of the parent thread, -1 when unknown.</summary>
    public long ParentTid { get; internal set; } = -1;

    /// <summary>Session id, -1 when unknown.</summary>
    public long Sid { get; internal set; } = -1;

    /// <summary>Process group id in the thread's own pid namespace, -1 when unknown.</summary>
    public long Vpgid { get; internal set; } = -1;

    /// <summary>Process group id in the host pid namespace, -1 when unknown.</summary>
    public long Pgid { get; internal set; } = -1;

    /// <summary>Thread id in the thread's own pid namespace, -1 when unknown.</summary>
    public long Vtid { get; internal set; } = -1;

    /// <summary>Process id in the thread's own pid namespace, -1 when unknown.</summary>
    public long Vpid { get; internal set; } = -1;

    /// <summary>The 16-character kernel comm (<c>proc.name</c>).</summary>
    public string Comm
    {
        get => _comm;
        internal set
        {
            _comm = value;
            FieldCache = null;
        }
    }

    /// <summary>argv[0] (<c>proc.exe</c>).</summary>
    public string Exe
    {
        get => _exe;
        internal set
        {
            _exe = value;
            FieldCache = null;
        }
    }

    /// <summary>Full executable path (<c>proc.exepath</c>).</summary>
    public string ExePath { get; internal set; } = "";

    /// <summary>argv[1..]; the array is shared with other threads, never modify it.</summary>
    public string[] Args
    {
        get => _args;
        internal set
        {
            _args = value;
            FieldCache = null;
        }
    }

    /// <summary>The environment as <c>NAME=value</c> items; shared like <see cref="Args"/>.</summary>
    public string[] Env
    {
        get => _env;
        internal set
        {
            _env = value;
            FieldCache = null;
        }
    }

    /// <summary>Working directory, always ending in '/'.</summary>
    public string Cwd { get; internal set; } = "";

    /// <summary>Root directory of the process ("" when unknown).</summary>
    public string Root { get; internal set; } = "";

    /// <summary>Cgroup memberships as <c>subsystem=path</c> items.</summary>
    public string[] Cgroups { get; internal set; } = [];

    /// <summary>RLIMIT_NOFILE.</summary>
    public ulong FdLimit { get; internal set; }

    /// <summary>PPM_CL_* clone flags.</summary>
    public uint Flags { get; internal set; }

    /// <summary>Effective user id; 0xFFFFFFFF when unknown.</summary>
    public uint Uid { get; internal set; } = uint.MaxValue;

    /// <summary>Effective group id; 0xFFFFFFFF when unknown.</summary>
    public uint Gid { get; internal set; } = uint.MaxValue;

    /// <summary>0xFFFFFFFF when unset (printed as -1).</summary>
    public uint LoginUid { get; internal set; } = uint.MaxValue;

    /// <summary>Controlling terminal device number, 0 when none.</summary>
    public uint Tty { get; internal set; }

    /// <summary>Inheritable capability set.</summary>
    public ulong CapInheritable { get; internal set; }

    /// <summary>Permitted capability set.</summary>
    public ulong CapPermitted { get; internal set; }

    /// <summary>Effective capability set.</summary>
    public ulong CapEffective { get; internal set; }

    /// <summary>The executable is writable by the thread's user (PPM_EXE_WRITABLE).</summary>
    public bool ExeWritable { get; internal set; }

    /// <summary>The executable lives in an overlayfs upper layer (PPM_EXE_UPPER_LAYER).</summary>
    public bool ExeUpperLayer { get; internal set; }

    /// <summary>The executable lives in an overlayfs lower layer (PPM_EXE_LOWER_LAYER).</summary>
    public bool ExeLowerLayer { get; internal set; }

    /// <summary>The executable was run from a memfd (PPM_EXE_FROM_MEMFD).</summary>
    public bool ExeFromMemfd { get; internal set; }

    /// <summary>Inode of the executable.</summary>
    public ulong ExeIno { get; internal set; }

    /// <summary>ctime of the executable's inode, in nanoseconds.</summary>
    public ulong ExeInoCtime { get; internal set; }

    /// <summary>mtime of the executable's inode, in nanoseconds.</summary>
    public ulong ExeInoMtime { get; internal set; }

    /// <summary>Virtual memory size in KiB.</summary>
    public uint VmSizeKb { get; internal set; }

    /// <summary>Resident set size in KiB.</summary>
    public uint VmRssKb { get; internal set; }

    /// <summary>Swapped-out memory in KiB.</summary>
    public uint VmSwapKb { get; internal set; }

    /// <summary>Major page faults.</summary>
    public ulong PageFaultsMajor { get; internal set; }

    /// <summary>Minor page faults.</summary>
    public ulong PageFaultsMinor { get; internal set; }

    /// <summary>Start time of the init process of the thread's pid namespace.</summary>
    public ulong PidNsInitStartTs { get; internal set; }

    /// <summary>Time the thread was created (clone exit), 0 if it came from a snapshot.</summary>
    public ulong CloneTs { get; internal set; }

    /// <summary>Time of the last successful execve, 0 if none seen.</summary>
    public ulong LastExecTs { get; internal set; }

    /// <summary>Short (12-character) container id from the cgroups, "" outside containers.</summary>
    public string ContainerId { get; internal set; } = "";

    /// <summary>Full (64-character) container id from the cgroups, "" outside containers.</summary>
    public string ContainerFullId { get; internal set; } = "";

    /// <summary>Number of live threads whose parent is this thread.</summary>
    public int ChildCount { get; internal set; }

    /// <summary>
    /// True for a thread libsinsp would invent for an event of an unknown tid in capture mode
    /// (pid -1, comm and exe "&lt;NA&gt;", uid/gid unknown).
    /// </summary>
    public bool IsInvented { get; internal set; }

    /// <summary>The fd table; for non-leader threads this is the leader's table.</summary>
    public FdTable Fds { get; internal set; }

    /// <summary>The fd the last fd-using event of this thread referred to (sinsp's lastevent_fd).</summary>
    public long LastEventFd { get; internal set; } = -1;

    /// <summary>
    /// The CPU total (user + system, as the last thread.cpu* extraction summed it) that field extraction keeps on the
    /// thread: libsinsp keeps one such value per thread, shared by every thread.cpu, thread.cpu.user and
    /// thread.cpu.system reference, so each extraction changes what the next one sees. 0 until the first.
    /// </summary>
    public ulong CpuFieldTotal { get; set; }

    /// <summary>Whether this thread is its process's leader.</summary>
    public bool IsMainThread => Tid == Pid;

    // Links of the per-process thread list kept by ThreadTable, so the threads of one process are found
    // without walking every thread.
    internal ThreadInfo? NextInProcess;
    internal ThreadInfo? PreviousInProcess;
    internal long IndexedPid;
    internal bool IsIndexed;

    /// <summary>
    /// The one slot where a reader (field extraction) keeps text it derived from this thread. Set back to null
    /// whenever <see cref="Comm"/>, <see cref="Exe"/>, <see cref="Args"/> or <see cref="Env"/> change, so what is
    /// in it always matches the thread.
    /// </summary>
    internal ThreadFieldCache? FieldCache;

    /// <summary>
    /// The reader's cache of type <typeparamref name="T"/> for this thread, made on first use and after every change
    /// of the values it derives from. One reader type owns the slot; a second type would replace the first.
    /// </summary>
    public T CacheOf<T>()
        where T : ThreadFieldCache, new()
    {
        if (FieldCache is T cache)
        {
            return cache;
        }
        var made = new T();
        FieldCache = made;
        return made;
    }

    /// <summary>Sets the cgroups and the container ids derived from them.</summary>
    internal void SetCgroups(string[] cgroups)
    {
        Cgroups = cgroups;
        ContainerFullId = ContainerIdParser.FindFullId(cgroups);
        ContainerId = ContainerFullId.Length >= ContainerIdParser.ShortIdLength ? ContainerFullId[..ContainerIdParser.ShortIdLength] : "";
    }

    /// <summary>Takes the cgroups and container ids of <paramref name="other"/> without parsing them again.</summary>
    internal void ShareCgroups(ThreadInfo other)
    {
        Cgroups = other.Cgroups;
        ContainerFullId = other.ContainerFullId;
        ContainerId = other.ContainerId;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Comm}({Tid}/{Pid})";
}
