using Falconet.Core.Events;

namespace Falconet.State;

/// <summary>
/// The events that change threads and processes: clone/fork/vfork/clone3, execve/execveat, procexit, chdir,
/// fchdir and the set*id calls.
/// </summary>
internal sealed class ThreadEventParser(ThreadTable threads, ParamReader reader, LayoutUpConverter converter)
{

    /// <summary>Reused list of thread numbers to remove after a walk (execve), so the walk does not allocate.</summary>
    private readonly List<long> _scratchNumbers = [];

    /// <summary>The thread a procexit removes before the next event (-1 none), and the reaper its children get.</summary>
    private long _pendingRemoval = -1;
    private long _pendingReaper = -1;

    /// <summary>Who the child of a clone is, from whichever side's report is parsed.</summary>
    private readonly record struct CloneChild(long Tid, long Pid, long Ptid, long Vtid, long Vpid, ThreadInfo? Parent, bool IsThread);

    /// <summary>Removes the thread a procexit left for after its event.</summary>
    public void ApplyPendingRemoval()
    {
        if (_pendingRemoval >= 0)
        {
            RemoveThread(_pendingRemoval, _pendingReaper);
            _pendingRemoval = -1;
            _pendingReaper = -1;
        }
    }

    /// <summary>Forgets a pending removal (a new capture section).</summary>
    public void Clear()
    {
        _pendingRemoval = -1;
        _pendingReaper = -1;
    }

    /// <summary>
    /// The thread of an event. In capture mode libsinsp cannot read /proc, so for an unknown tid it invents
    /// a thread with unknown values (pid -1, comm/exe "&lt;NA&gt;"); clone children and procexit are exempt.
    /// </summary>
    public ThreadInfo? GetOrInventThread(long tid, EventAction action)
    {
        if (threads.Find(tid) is { } thread)
        {
            return thread;
        }
        if (action is EventAction.ProcExit or EventAction.Clone or EventAction.ProcInfo)
        {
            // A procinfo event of a thread the snapshot lacks has no thread in libsinsp either (its thread fields are <NA>).
            return null;
        }
        thread = new ThreadInfo(tid)
        {
            Pid = -1,
            ParentTid = -1,
            Comm = "<NA>",
            Exe = "<NA>",
            Uid = uint.MaxValue,
            Gid = uint.MaxValue,
            LoginUid = uint.MaxValue,
            IsInvented = true,
        };
        threads.Store(thread);
        return thread;
    }

    /// <summary>
    /// clone/fork/vfork/clone3 exit, reported in the parent (res = child tid) and in the child (res = 0);
    /// whichever comes first creates the child.
    /// </summary>
    public void ParseClone(ScapEvent evt, ThreadInfo? caller, EventContext context)
    {
        long res = ParamReader.Int(evt, Param.Res, -1);
        if (res < 0 || !TryResolveChild(evt, caller, res, context, out CloneChild who))
        {
            return;
        }
        ThreadInfo child = NewChild(evt, who, FdsForChild(who));
        if (who.Parent is not null)
        {
            InheritFromParent(child, who.Parent);
        }
        else
        {
            string cwd = reader.String(evt, Param.Cwd);
            child.Cwd = cwd.Length > 0 ? EnsureTrailingSlash(cwd) : cwd;
        }
        if (threads.Find(child.Tid) is { } stale)
        {
            threads.DetachFromParent(stale);
        }
        threads.Store(child);
        threads.AttachToParent(child);
        if (res == 0)
        {
            context.Thread = child;
        }
    }

    /// <summary>
    /// The child's ids and parent from a clone report; false when the other side's report already created it
    /// (the child's own report then becomes the event's thread).
    /// </summary>
    private bool TryResolveChild(ScapEvent evt, ThreadInfo? caller, long res, EventContext context, out CloneChild who)
    {
        bool isThread = ((uint)ParamReader.Int(evt, Param.Flags, 0) & DriverConstants.PpmCloneThread) != 0;
        long paramPid = ParamReader.Int(evt, Param.Pid, -1);
        long paramPtid = ParamReader.Int(evt, Param.Ptid, -1);
        if (res > 0)
        {
            // Parent side: the tid/pid/ptid parameters describe the caller.
            long paramTid = ParamReader.Int(evt, Param.Tid, evt.ThreadId);
            who = new CloneChild(res, isThread ? paramPid : res, isThread ? paramPtid : paramTid, -1, -1, caller, isThread);
            return threads.Find(res) is not { CloneTs: > 0 };
        }
        // Child side: the parameters describe the child itself.
        if (threads.Find(evt.ThreadId) is { CloneTs: > 0 } existing)
        {
            context.Thread = existing;
            who = default;
            return false;
        }
        ThreadInfo? parent = threads.Find(isThread ? paramPid : paramPtid) ?? threads.Find(paramPtid);
        who = new CloneChild(evt.ThreadId, paramPid, paramPtid, ParamReader.Int(evt, Param.Vtid, -1),
            ParamReader.Int(evt, Param.Vpid, -1), parent, isThread);
        return true;
    }

    /// <summary>
    /// A thread shares its leader's fd table; a process gets a copy of its parent's (CLONE_FILES without
    /// CLONE_THREAD is rare, and sinsp copies then too). Chosen before the child exists, so it is not given an
    /// empty table only to drop it.
    /// </summary>
    private FdTable FdsForChild(CloneChild who)
    {
        if (who.IsThread)
        {
            return (threads.Find(who.Pid) ?? who.Parent)?.Fds ?? new FdTable();
        }
        return who.Parent?.Fds.Copy() ?? new FdTable();
    }

    /// <summary>The child as the clone event's own parameters describe it.</summary>
    private ThreadInfo NewChild(ScapEvent evt, CloneChild who, FdTable fds)
    {
        ThreadInfo? parent = who.Parent;
        var child = new ThreadInfo(who.Tid, fds)
        {
            Pid = who.Pid,
            ParentTid = who.Ptid,
            Exe = reader.String(evt, Param.Exe),
            Args = reader.List(evt, Param.Args, parent?.Args),
            Comm = reader.String(evt, Param.Comm),
            FdLimit = (ulong)ParamReader.Int(evt, Param.FdLimit, 0),
            PageFaultsMajor = (ulong)ParamReader.Int(evt, Param.PageFaultsMajor, 0),
            PageFaultsMinor = (ulong)ParamReader.Int(evt, Param.PageFaultsMinor, 0),
            VmSizeKb = (uint)ParamReader.Int(evt, Param.VmSize, 0),
            VmRssKb = (uint)ParamReader.Int(evt, Param.VmRss, 0),
            VmSwapKb = (uint)ParamReader.Int(evt, Param.VmSwap, 0),
            Flags = (uint)ParamReader.Int(evt, Param.Flags, 0),
            Uid = (uint)ParamReader.Int(evt, Param.Uid, uint.MaxValue),
            Gid = (uint)ParamReader.Int(evt, Param.Gid, uint.MaxValue),
            Vtid = who.Vtid,
            Vpid = who.Vpid,
            PidNsInitStartTs = (ulong)ParamReader.Int(evt, Param.PidNsInitStartTs, 0),
            CloneTs = evt.Timestamp,
        };
        string[] cgroups = reader.List(evt, Param.Cgroups, parent?.Cgroups);
        if (parent is not null && ReferenceEquals(cgroups, parent.Cgroups))
        {
            child.ShareCgroups(parent);
        }
        else
        {
            child.SetCgroups(cgroups);
        }
        return child;
    }

    /// <summary>What a child takes from its parent rather than from the clone event.</summary>
    private static void InheritFromParent(ThreadInfo child, ThreadInfo parent)
    {
        if (child.Comm.Length == 0)
        {
            child.Comm = parent.Comm;
        }
        child.Cwd = parent.Cwd;
        child.Env = parent.Env;
        child.ExePath = parent.ExePath;
        child.Root = parent.Root;
        child.Sid = parent.Sid;
        child.Vpgid = parent.Vpgid;
        child.Pgid = parent.Pgid;
        child.Tty = parent.Tty;
        child.LoginUid = parent.LoginUid;
        child.CapInheritable = parent.CapInheritable;
        child.CapPermitted = parent.CapPermitted;
        child.CapEffective = parent.CapEffective;
        child.ExeWritable = parent.ExeWritable;
        child.ExeUpperLayer = parent.ExeUpperLayer;
        child.ExeLowerLayer = parent.ExeLowerLayer;
        child.ExeFromMemfd = parent.ExeFromMemfd;
        child.ExeIno = parent.ExeIno;
        child.ExeInoCtime = parent.ExeInoCtime;
        child.ExeInoMtime = parent.ExeInoMtime;
        if (child.Vtid < 0 && parent.Vtid == parent.Tid)
        {
            // Same pid namespace as the parent: virtual ids equal the host ones.
            child.Vtid = child.Tid;
            child.Vpid = child.Pid;
        }
    }

    /// <summary>execve/execveat exit with res == 0: the thread becomes the new program.</summary>
    public void ParseExecve(ScapEvent evt, ThreadInfo thread, bool execveat)
    {
        if (ParamReader.Int(evt, Param.Res, -1) != 0)
        {
            return;
        }
        thread.Exe = reader.String(evt, Param.Exe);
        thread.Args = reader.List(evt, Param.Args, thread.Args);
        long pid = ParamReader.Int(evt, Param.Pid, thread.Pid);
        thread.IsInvented = false;
        Reparent(thread, ParamReader.Int(evt, Param.Ptid, thread.ParentTid));
        threads.SetPid(thread, pid);
        // The execve cwd parameter is not used (current drivers leave it empty): cwd comes from the snapshot,
        // clone inheritance and chdir, as in libsinsp. Virtual ids default to the host ones when unknown.
        if (thread.Vtid < 0)
        {
            thread.Vtid = thread.Tid;
        }
        if (thread.Vpid < 0)
        {
            thread.Vpid = pid;
        }
        ApplyExecParams(evt, thread);
        thread.ExePath = ExecPath(evt, execveat);
        thread.LastExecTs = evt.Timestamp;

        // The exec'ing thread becomes the only thread of the process; O_CLOEXEC fds close.
        List<long> doomed = _scratchNumbers;
        doomed.Clear();
        foreach (ThreadInfo t in threads.ThreadsOf(pid))
        {
            if (t.Pid == pid && t.Tid != thread.Tid && ReferenceEquals(t.Fds, thread.Fds))
            {
                doomed.Add(t.Tid);
            }
        }
        foreach (long tid in doomed)
        {
            RemoveThread(tid, reaperTid: -1);
        }
        thread.Fds.RemoveCloexec(doomed);
    }

    private void Reparent(ThreadInfo thread, long ptid)
    {
        if (ptid == thread.ParentTid)
        {
            return;
        }
        threads.DetachFromParent(thread);
        thread.ParentTid = ptid;
        if (threads.Find(ptid) is { } parent)
        {
            parent.ChildCount++;
        }
    }

    /// <summary>The values an execve exit carries, each kept when the layout lacks it.</summary>
    private void ApplyExecParams(ScapEvent evt, ThreadInfo thread)
    {
        thread.FdLimit = (ulong)ParamReader.Int(evt, Param.FdLimit, (long)thread.FdLimit);
        thread.PageFaultsMajor = (ulong)ParamReader.Int(evt, Param.PageFaultsMajor, (long)thread.PageFaultsMajor);
        thread.PageFaultsMinor = (ulong)ParamReader.Int(evt, Param.PageFaultsMinor, (long)thread.PageFaultsMinor);
        thread.VmSizeKb = (uint)ParamReader.Int(evt, Param.VmSize, thread.VmSizeKb);
        thread.VmRssKb = (uint)ParamReader.Int(evt, Param.VmRss, thread.VmRssKb);
        thread.VmSwapKb = (uint)ParamReader.Int(evt, Param.VmSwap, thread.VmSwapKb);
        if (ParamReader.Has(evt, Param.Comm))
        {
            thread.Comm = reader.String(evt, Param.Comm);
        }
        if (ParamReader.Has(evt, Param.Cgroups))
        {
            string[] cgroups = reader.List(evt, Param.Cgroups, thread.Cgroups);
            if (!ReferenceEquals(cgroups, thread.Cgroups))
            {
                thread.SetCgroups(cgroups);
            }
        }
        if (ParamReader.Has(evt, Param.Env))
        {
            thread.Env = reader.List(evt, Param.Env, thread.Env);
        }
        thread.Tty = (uint)ParamReader.Int(evt, Param.Tty, thread.Tty);
        thread.Vpgid = ParamReader.Int(evt, Param.Vpgid, thread.Vpgid);
        thread.Pgid = ParamReader.Int(evt, Param.Pgid, thread.Pgid);
        thread.LoginUid = (uint)ParamReader.Int(evt, Param.LoginUid, thread.LoginUid);
        thread.CapInheritable = (ulong)ParamReader.Int(evt, Param.CapInheritable, (long)thread.CapInheritable);
        thread.CapPermitted = (ulong)ParamReader.Int(evt, Param.CapPermitted, (long)thread.CapPermitted);
        thread.CapEffective = (ulong)ParamReader.Int(evt, Param.CapEffective, (long)thread.CapEffective);
        thread.ExeIno = (ulong)ParamReader.Int(evt, Param.ExeIno, (long)thread.ExeIno);
        thread.ExeInoCtime = (ulong)ParamReader.Int(evt, Param.ExeInoCtime, (long)thread.ExeInoCtime);
        thread.ExeInoMtime = (ulong)ParamReader.Int(evt, Param.ExeInoMtime, (long)thread.ExeInoMtime);
        thread.Uid = (uint)ParamReader.Int(evt, Param.Uid, thread.Uid);
        thread.Gid = (uint)ParamReader.Int(evt, Param.Gid, thread.Gid);
        long execFlags = ParamReader.Int(evt, Param.Flags, -1);
        if (execFlags >= 0)
        {
            thread.ExeWritable = (execFlags & DriverConstants.PpmExeWritable) != 0;
            thread.ExeUpperLayer = (execFlags & DriverConstants.PpmExeUpperLayer) != 0;
            thread.ExeFromMemfd = (execFlags & DriverConstants.PpmExeFromMemfd) != 0;
            thread.ExeLowerLayer = (execFlags & DriverConstants.PpmExeLowerLayer) != 0;
        }
    }

    /// <summary><c>proc.exepath</c> after an exec: the trusted path, else the file name, else (execveat) the path name.</summary>
    private string ExecPath(ScapEvent evt, bool execveat)
    {
        string exePath = reader.String(evt, Param.TrustedExePath);
        if (exePath.Length == 0)
        {
            exePath = reader.String(evt, Param.FileName);
            if (exePath.Length == 0 && execveat)
            {
                exePath = reader.String(evt, Param.PathName);
            }
        }
        return exePath;
    }

    /// <summary>procexit: the thread is removed after the event; its children get the reaper as parent.</summary>
    public void ParseProcExit(ScapEvent evt, EventContext context)
    {
        ThreadInfo? thread = threads.Find(evt.ThreadId);
        context.Thread = thread;
        if (thread is null)
        {
            return;
        }
        _pendingRemoval = thread.Tid;
        long reaper = ParamReader.Int(evt, Param.ReaperTid, 0);
        if (reaper <= 0)
        {
            reaper = !thread.IsMainThread && threads.Find(thread.Pid) is not null ? thread.Pid : -1;
        }
        _pendingReaper = reaper;
    }

    private void RemoveThread(long tid, long reaperTid)
    {
        if (threads.Find(tid) is { IsMainThread: true } main)
        {
            // The kernel closes an exiting process's fds without close events: connections no longer hold names.
            main.Fds.ReleaseAll();
        }
        if (threads.Remove(tid, reaperTid))
        {
            converter.Release(tid);
        }
    }

    public void ParseChdir(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamReader.Int(evt, Param.Res, -1) < 0)
        {
            return;
        }
        thread.Cwd = EnsureTrailingSlash(PathResolver.Resolve(thread.Cwd, reader.String(evt, Param.Path)));
    }

    public static void ParseFchdir(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamReader.Int(evt, Param.Res, -1) >= 0 && thread.Fds.Find(ParamReader.Int(evt, Param.Fd, -1)) is { } fd)
        {
            thread.Cwd = EnsureTrailingSlash(fd.Name);
        }
    }

    public static void ParseSetId(ScapEvent evt, ThreadInfo thread, EventAction action)
    {
        if (ParamReader.Int(evt, Param.Res, -1) != 0)
        {
            return;
        }
        Param param = action switch
        {
            EventAction.SetUid => Param.Uid,
            EventAction.SetGid => Param.Gid,
            EventAction.SetResUid => Param.Euid,
            _ => Param.Egid,
        };
        long value = ParamReader.Int(evt, param, -1);
        if (action is EventAction.SetUid or EventAction.SetResUid)
        {
            thread.Uid = ValidIdOr(value, thread.Uid);
        }
        else
        {
            thread.Gid = ValidIdOr(value, thread.Gid);
        }
    }

    /// <summary>The new id when the event carries a valid one (not -1), else the current one.</summary>
    private static uint ValidIdOr(long value, uint current) => value >= 0 && value != uint.MaxValue ? (uint)value : current;

    internal static string EnsureTrailingSlash(string path) => path.EndsWith('/') ? path : path + "/";
}
