using Falconet.Core.Events;

namespace Falconet.State;

public sealed partial class SystemState
{
    private const uint CloneFiles = 1u << 0;
    private const uint CloneThread = 1u << 13;

    /// <summary>
    /// clone/fork/vfork/clone3 exit, reported in the parent (res = child tid) and in the child (res = 0);
    /// whichever comes first creates the child (scap-format.md §4.1).
    /// </summary>
    private void ParseClone(ScapEvent evt, ThreadInfo? caller)
    {
        long res = ParamInt(evt, Param.Res, -1);
        if (res < 0)
        {
            return;
        }
        uint flags = (uint)ParamInt(evt, Param.Flags, 0);
        long paramTid = ParamInt(evt, Param.Tid, evt.ThreadId);
        long paramPid = ParamInt(evt, Param.Pid, -1);
        long paramPtid = ParamInt(evt, Param.Ptid, -1);
        bool isThread = (flags & CloneThread) != 0;

        long childTid;
        long childPid;
        long childPtid;
        long childVtid = -1;
        long childVpid = -1;
        ThreadInfo? parent;
        if (res > 0)
        {
            // Parent side: the tid/pid/ptid parameters describe the caller.
            childTid = res;
            if (FindThread(childTid) is { CloneTs: > 0 })
            {
                return; // the child's own report came first
            }
            parent = caller;
            childPid = isThread ? paramPid : childTid;
            childPtid = isThread ? paramPtid : paramTid;
        }
        else
        {
            // Child side: the parameters describe the child itself.
            childTid = evt.ThreadId;
            if (FindThread(childTid) is { CloneTs: > 0 } existing)
            {
                Context.Thread = existing; // the parent's report came first
                return;
            }
            childPid = paramPid;
            childPtid = paramPtid;
            childVtid = ParamInt(evt, Param.Vtid, -1);
            childVpid = ParamInt(evt, Param.Vpid, -1);
            parent = FindThread(isThread ? childPid : childPtid) ?? FindThread(childPtid);
        }

        // The fd table first, so the child is not given an empty one only to drop it.
        FdTable? fds = null;
        if (isThread)
        {
            ThreadInfo? leader = FindThread(childPid) ?? parent;
            fds = leader?.Fds;
        }
        else if (parent is not null)
        {
            // Without CLONE_THREAD the child gets a copy (CLONE_FILES without CLONE_THREAD is rare; sinsp copies too).
            fds = parent.Fds.Copy();
        }
        var child = new ThreadInfo(childTid, fds ?? new FdTable())
        {
            Pid = childPid,
            ParentTid = childPtid,
            Exe = ParamString(evt, Param.Exe),
            Args = SplitNulList(evt, Param.Args, parent?.Args),
            Comm = ParamString(evt, Param.Comm),
            FdLimit = (ulong)ParamInt(evt, Param.FdLimit, 0),
            PageFaultsMajor = (ulong)ParamInt(evt, Param.PageFaultsMajor, 0),
            PageFaultsMinor = (ulong)ParamInt(evt, Param.PageFaultsMinor, 0),
            VmSizeKb = (uint)ParamInt(evt, Param.VmSize, 0),
            VmRssKb = (uint)ParamInt(evt, Param.VmRss, 0),
            VmSwapKb = (uint)ParamInt(evt, Param.VmSwap, 0),
            Flags = flags,
            Uid = (uint)ParamInt(evt, Param.Uid, uint.MaxValue),
            Gid = (uint)ParamInt(evt, Param.Gid, uint.MaxValue),
            Vtid = childVtid,
            Vpid = childVpid,
            PidNsInitStartTs = (ulong)ParamInt(evt, Param.PidNsInitStartTs, 0),
            CloneTs = evt.Timestamp,
        };
        string[] cgroups = SplitNulList(evt, Param.Cgroups, parent?.Cgroups);
        if (parent is not null && ReferenceEquals(cgroups, parent.Cgroups))
        {
            child.Cgroups = cgroups;
            child.ContainerFullId = parent.ContainerFullId;
            child.ContainerId = parent.ContainerId;
        }
        else
        {
            child.SetCgroups(cgroups);
        }
        if (child.Comm.Length == 0 && parent is not null)
        {
            child.Comm = parent.Comm;
        }
        if (parent is not null)
        {
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
                child.Vtid = childTid;
                child.Vpid = childPid;
            }
        }
        else
        {
            string cwd = ParamString(evt, Param.Cwd);
            child.Cwd = cwd.Length > 0 ? EnsureTrailingSlash(cwd) : cwd;
        }

        if (_threads.TryGetValue(childTid, out ThreadInfo? stale))
        {
            DetachFromParent(stale);
        }
        StoreThread(child);
        if (FindThread(childPtid) is { } realParent && childPtid != childTid)
        {
            realParent.ChildCount++;
        }
        if (res == 0)
        {
            Context.Thread = child;
        }
    }

    /// <summary>execve/execveat exit with res == 0: the thread becomes the new program (scap-format.md §4.1).</summary>
    private void ParseExecve(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamInt(evt, Param.Res, -1) != 0)
        {
            return;
        }
        EventInfo info = evt.Info;
        thread.Exe = ParamString(evt, Param.Exe);
        thread.Args = SplitNulList(evt, Param.Args, thread.Args);
        long pid = ParamInt(evt, Param.Pid, thread.Pid);
        long ptid = ParamInt(evt, Param.Ptid, thread.ParentTid);
        if (thread.IsInvented)
        {
            thread.IsInvented = false;
        }
        if (ptid != thread.ParentTid)
        {
            DetachFromParent(thread);
            thread.ParentTid = ptid;
            if (FindThread(ptid) is { } parent)
            {
                parent.ChildCount++;
            }
        }
        SetPid(thread, pid);
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
        thread.FdLimit = (ulong)ParamInt(evt, Param.FdLimit, (long)thread.FdLimit);
        thread.PageFaultsMajor = (ulong)ParamInt(evt, Param.PageFaultsMajor, (long)thread.PageFaultsMajor);
        thread.PageFaultsMinor = (ulong)ParamInt(evt, Param.PageFaultsMinor, (long)thread.PageFaultsMinor);
        thread.VmSizeKb = (uint)ParamInt(evt, Param.VmSize, thread.VmSizeKb);
        thread.VmRssKb = (uint)ParamInt(evt, Param.VmRss, thread.VmRssKb);
        thread.VmSwapKb = (uint)ParamInt(evt, Param.VmSwap, thread.VmSwapKb);
        if (evt.HasParam(ParamIndex.Of(evt.Type, Param.Comm)))
        {
            thread.Comm = ParamString(evt, Param.Comm);
        }
        if (evt.HasParam(ParamIndex.Of(evt.Type, Param.Cgroups)))
        {
            string[] cgroups = SplitNulList(evt, Param.Cgroups, thread.Cgroups);
            if (!ReferenceEquals(cgroups, thread.Cgroups))
            {
                thread.SetCgroups(cgroups);
            }
        }
        if (evt.HasParam(ParamIndex.Of(evt.Type, Param.Env)))
        {
            thread.Env = SplitNulList(evt, Param.Env, thread.Env);
        }
        thread.Tty = (uint)ParamInt(evt, Param.Tty, thread.Tty);
        thread.Vpgid = ParamInt(evt, Param.Vpgid, thread.Vpgid);
        thread.Pgid = ParamInt(evt, Param.Pgid, thread.Pgid);
        thread.LoginUid = (uint)ParamInt(evt, Param.LoginUid, thread.LoginUid);
        thread.CapInheritable = (ulong)ParamInt(evt, Param.CapInheritable, (long)thread.CapInheritable);
        thread.CapPermitted = (ulong)ParamInt(evt, Param.CapPermitted, (long)thread.CapPermitted);
        thread.CapEffective = (ulong)ParamInt(evt, Param.CapEffective, (long)thread.CapEffective);
        thread.ExeIno = (ulong)ParamInt(evt, Param.ExeIno, (long)thread.ExeIno);
        thread.ExeInoCtime = (ulong)ParamInt(evt, Param.ExeInoCtime, (long)thread.ExeInoCtime);
        thread.ExeInoMtime = (ulong)ParamInt(evt, Param.ExeInoMtime, (long)thread.ExeInoMtime);
        thread.Uid = (uint)ParamInt(evt, Param.Uid, thread.Uid);
        thread.Gid = (uint)ParamInt(evt, Param.Gid, thread.Gid);
        long execFlags = ParamInt(evt, Param.Flags, -1);
        if (execFlags >= 0)
        {
            // PPM_EXE_WRITABLE 1, PPM_EXE_UPPER_LAYER 2, PPM_EXE_FROM_MEMFD 4, PPM_EXE_LOWER_LAYER 8.
            thread.ExeWritable = (execFlags & 1) != 0;
            thread.ExeUpperLayer = (execFlags & 2) != 0;
            thread.ExeFromMemfd = (execFlags & 4) != 0;
            thread.ExeLowerLayer = (execFlags & 8) != 0;
        }
        string exePath = ParamString(evt, Param.TrustedExePath);
        if (exePath.Length == 0)
        {
            exePath = ParamString(evt, Param.FileName);
            if (exePath.Length == 0 && info.Name == "execveat")
            {
                exePath = ParamString(evt, Param.PathName);
            }
        }
        thread.ExePath = exePath;
        thread.LastExecTs = evt.Timestamp;
        thread.InvalidateCaches();

        // The exec'ing thread becomes the only thread of the process; O_CLOEXEC fds close.
        List<long> doomed = _scratchNumbers;
        doomed.Clear();
        for (ThreadInfo? t = FirstThreadOfProcess(pid); t is not null; t = t.NextInProcess)
        {
            if (t.Pid == pid && t.Tid != thread.Tid && ReferenceEquals(t.Fds, thread.Fds))
            {
                doomed.Add(t.Tid);
            }
        }
        foreach (long tid in doomed)
        {
            RemoveThread(tid);
        }
        doomed.Clear();
        thread.Fds.CollectCloexec(doomed);
        foreach (long fd in doomed)
        {
            thread.Fds.Remove(fd);
        }
        doomed.Clear();
    }

    /// <summary>procexit: the thread is removed after the event; its children get the reaper as parent.</summary>
    private void ParseProcExit(ScapEvent evt)
    {
        ThreadInfo? thread = FindThread(evt.ThreadId);
        Context.Thread = thread;
        if (thread is null)
        {
            return;
        }
        _pendingThreadRemoval = thread.Tid;
        long reaper = ParamInt(evt, Param.ReaperTid, 0);
        if (reaper <= 0)
        {
            reaper = !thread.IsMainThread && FindThread(thread.Pid) is not null ? thread.Pid : -1;
        }
        _pendingReaper = reaper;
    }

    private long _pendingReaper = -1;

    /// <summary>Reused list of thread or fd numbers to remove after a walk (execve), so the walk does not allocate.</summary>
    private readonly List<long> _scratchNumbers = [];

    private void RemoveThread(long tid)
    {
        if (!_threads.Remove(tid, out ThreadInfo? thread))
        {
            return;
        }
        UnlinkFromProcess(thread);
        ReleaseStoredEnter(tid);
        DetachFromParent(thread);
        if (thread.ChildCount > 0)
        {
            long reaper = _pendingReaper;
            ThreadInfo? newParent = reaper > 0 ? FindThread(reaper) : null;
            foreach (ThreadInfo t in _threads.Values)
            {
                if (t.ParentTid == tid)
                {
                    t.ParentTid = newParent?.Tid ?? -1;
                    if (newParent is not null)
                    {
                        newParent.ChildCount++;
                    }
                }
            }
        }
        _pendingReaper = -1;
    }

    private void DetachFromParent(ThreadInfo thread)
    {
        if (thread.ParentTid >= 0 && FindThread(thread.ParentTid) is { ChildCount: > 0 } parent)
        {
            parent.ChildCount--;
        }
    }

    private void ParseChdir(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamInt(evt, Param.Res, -1) < 0)
        {
            return;
        }
        string path = ParamString(evt, Param.Path);
        ThreadInfo target = thread;
        target.Cwd = EnsureTrailingSlash(PathResolver.Resolve(thread.Cwd, path));
    }

    private static void ParseFchdir(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamInt(evt, Param.Res, -1) < 0)
        {
            return;
        }
        if (thread.Fds.Find(ParamInt(evt, Param.Fd, -1)) is { } fd)
        {
            thread.Cwd = EnsureTrailingSlash(fd.Name);
        }
    }

    private static void ParseSetId(ScapEvent evt, ThreadInfo thread, EventAction action)
    {
        if (ParamInt(evt, Param.Res, -1) != 0)
        {
            return;
        }
        switch (action)
        {
            case EventAction.SetUid:
                thread.Uid = ValidIdOr(ParamInt(evt, Param.Uid, -1), thread.Uid);
                break;
            case EventAction.SetGid:
                thread.Gid = ValidIdOr(ParamInt(evt, Param.Gid, -1), thread.Gid);
                break;
            case EventAction.SetResUid:
                thread.Uid = ValidIdOr(ParamInt(evt, Param.Euid, -1), thread.Uid);
                break;
            case EventAction.SetResGid:
                thread.Gid = ValidIdOr(ParamInt(evt, Param.Egid, -1), thread.Gid);
                break;
        }
    }

    /// <summary>The new id when the event carries a valid one (not -1), else the current one.</summary>
    private static uint ValidIdOr(long value, uint current) => value >= 0 && value != uint.MaxValue ? (uint)value : current;

    private static string EnsureTrailingSlash(string path) => path.EndsWith('/') ? path : path + "/";

    /// <summary>
    /// A NUL-separated list parameter (args, env, cgroups) as strings; <paramref name="current"/> itself when it
    /// holds the same items (a child's cgroups and env are usually its parent's), else an equal array seen before
    /// (<see cref="NulListCache"/>), so nothing is allocated then.
    /// </summary>
    private string[] SplitNulList(ScapEvent evt, Param param, string[]? current = null)
    {
        int index = ParamIndex.Of(evt.Type, param);
        ReadOnlySpan<byte> p = index >= 0 ? evt.GetParam(index) : default;
        if (!p.IsEmpty && p[^1] == 0)
        {
            p = p[..^1];
        }
        return _lists.Get(p, current);
    }

    /// <summary>A string parameter without its NUL, through the string cache ("" when absent).</summary>
    private string ParamString(ScapEvent evt, Param param) => _strings.Get(evt.GetStringBytes(ParamIndex.Of(evt.Type, param)));
}
