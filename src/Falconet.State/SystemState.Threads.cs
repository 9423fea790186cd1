using System.Text;
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
        long res = ParamInt(evt, "res", -1);
        if (res < 0)
        {
            return;
        }
        uint flags = (uint)ParamInt(evt, "flags", 0);
        long paramTid = ParamInt(evt, "tid", evt.ThreadId);
        long paramPid = ParamInt(evt, "pid", -1);
        long paramPtid = ParamInt(evt, "ptid", -1);
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
            childVtid = ParamInt(evt, "vtid", -1);
            childVpid = ParamInt(evt, "vpid", -1);
            parent = FindThread(isThread ? childPid : childPtid) ?? FindThread(childPtid);
        }

        var child = new ThreadInfo(childTid)
        {
            Pid = childPid,
            ParentTid = childPtid,
            Exe = evt.GetString(evt.Info.IndexOfParam("exe")),
            Args = SplitNulList(evt, "args"),
            Comm = evt.GetString(evt.Info.IndexOfParam("comm")),
            FdLimit = (ulong)ParamInt(evt, "fdlimit", 0),
            PageFaultsMajor = (ulong)ParamInt(evt, "pgft_maj", 0),
            PageFaultsMinor = (ulong)ParamInt(evt, "pgft_min", 0),
            VmSizeKb = (uint)ParamInt(evt, "vm_size", 0),
            VmRssKb = (uint)ParamInt(evt, "vm_rss", 0),
            VmSwapKb = (uint)ParamInt(evt, "vm_swap", 0),
            Flags = flags,
            Uid = (uint)ParamInt(evt, "uid", uint.MaxValue),
            Gid = (uint)ParamInt(evt, "gid", uint.MaxValue),
            Vtid = childVtid,
            Vpid = childVpid,
            PidNsInitStartTs = (ulong)ParamInt(evt, "pidns_init_start_ts", 0),
            CloneTs = evt.Timestamp,
        };
        child.SetCgroups(SplitNulList(evt, "cgroups"));
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
            string cwd = evt.GetString(evt.Info.IndexOfParam("cwd"));
            child.Cwd = cwd.Length > 0 ? EnsureTrailingSlash(cwd) : cwd;
        }

        if (isThread)
        {
            ThreadInfo? leader = FindThread(childPid) ?? parent;
            child.Fds = leader?.Fds ?? new FdTable();
        }
        else if (parent is not null)
        {
            // Without CLONE_THREAD the child gets a copy (CLONE_FILES without CLONE_THREAD is rare; sinsp copies too).
            child.Fds = parent.Fds.Copy();
        }

        if (_threads.TryGetValue(childTid, out ThreadInfo? stale))
        {
            DetachFromParent(stale);
        }
        _threads[childTid] = child;
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
        if (ParamInt(evt, "res", -1) != 0)
        {
            return;
        }
        EventInfo info = evt.Info;
        thread.Exe = evt.GetString(info.IndexOfParam("exe"));
        thread.Args = SplitNulList(evt, "args");
        long pid = ParamInt(evt, "pid", thread.Pid);
        long ptid = ParamInt(evt, "ptid", thread.ParentTid);
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
        thread.Pid = pid;
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
        thread.FdLimit = (ulong)ParamInt(evt, "fdlimit", (long)thread.FdLimit);
        thread.PageFaultsMajor = (ulong)ParamInt(evt, "pgft_maj", (long)thread.PageFaultsMajor);
        thread.PageFaultsMinor = (ulong)ParamInt(evt, "pgft_min", (long)thread.PageFaultsMinor);
        thread.VmSizeKb = (uint)ParamInt(evt, "vm_size", thread.VmSizeKb);
        thread.VmRssKb = (uint)ParamInt(evt, "vm_rss", thread.VmRssKb);
        thread.VmSwapKb = (uint)ParamInt(evt, "vm_swap", thread.VmSwapKb);
        if (evt.HasParam(info.IndexOfParam("comm")))
        {
            thread.Comm = evt.GetString(info.IndexOfParam("comm"));
        }
        if (evt.HasParam(info.IndexOfParam("cgroups")))
        {
            thread.SetCgroups(SplitNulList(evt, "cgroups"));
        }
        if (evt.HasParam(info.IndexOfParam("env")))
        {
            thread.Env = SplitNulList(evt, "env");
        }
        thread.Tty = (uint)ParamInt(evt, "tty", thread.Tty);
        thread.Vpgid = ParamInt(evt, "vpgid", thread.Vpgid);
        thread.Pgid = ParamInt(evt, "pgid", thread.Pgid);
        thread.LoginUid = (uint)ParamInt(evt, "loginuid", thread.LoginUid);
        thread.CapInheritable = (ulong)ParamInt(evt, "cap_inheritable", (long)thread.CapInheritable);
        thread.CapPermitted = (ulong)ParamInt(evt, "cap_permitted", (long)thread.CapPermitted);
        thread.CapEffective = (ulong)ParamInt(evt, "cap_effective", (long)thread.CapEffective);
        thread.ExeIno = (ulong)ParamInt(evt, "exe_ino", (long)thread.ExeIno);
        thread.ExeInoCtime = (ulong)ParamInt(evt, "exe_ino_ctime", (long)thread.ExeInoCtime);
        thread.ExeInoMtime = (ulong)ParamInt(evt, "exe_ino_mtime", (long)thread.ExeInoMtime);
        thread.Uid = (uint)ParamInt(evt, "uid", thread.Uid);
        thread.Gid = (uint)ParamInt(evt, "gid", thread.Gid);
        long execFlags = ParamInt(evt, "flags", -1);
        if (execFlags >= 0)
        {
            // PPM_EXE_WRITABLE 1, PPM_EXE_UPPER_LAYER 2, PPM_EXE_FROM_MEMFD 4, PPM_EXE_LOWER_LAYER 8.
            thread.ExeWritable = (execFlags & 1) != 0;
            thread.ExeUpperLayer = (execFlags & 2) != 0;
            thread.ExeFromMemfd = (execFlags & 4) != 0;
            thread.ExeLowerLayer = (execFlags & 8) != 0;
        }
        string exePath = evt.GetString(info.IndexOfParam("trusted_exepath"));
        if (exePath.Length == 0)
        {
            exePath = evt.GetString(info.IndexOfParam("filename"));
            if (exePath.Length == 0 && info.Name == "execveat")
            {
                exePath = evt.GetString(info.IndexOfParam("pathname"));
            }
        }
        thread.ExePath = exePath;
        thread.LastExecTs = evt.Timestamp;
        thread.InvalidateCaches();

        // The exec'ing thread becomes the only thread of the process; O_CLOEXEC fds close.
        List<long>? others = null;
        foreach (ThreadInfo t in _threads.Values)
        {
            if (t.Pid == pid && t.Tid != thread.Tid && ReferenceEquals(t.Fds, thread.Fds))
            {
                (others ??= []).Add(t.Tid);
            }
        }
        if (others is not null)
        {
            foreach (long tid in others)
            {
                RemoveThread(tid);
            }
        }
        List<long>? cloexec = null;
        foreach (FdInfo fd in thread.Fds.All)
        {
            if (fd.IsCloexec || (fd.OpenFlags & PpmOpenCloexec) != 0)
            {
                (cloexec ??= []).Add(fd.Fd);
            }
        }
        if (cloexec is not null)
        {
            foreach (long fd in cloexec)
            {
                thread.Fds.Remove(fd);
            }
        }
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
        long reaper = ParamInt(evt, "reaper_tid", 0);
        if (reaper <= 0)
        {
            reaper = !thread.IsMainThread && FindThread(thread.Pid) is not null ? thread.Pid : -1;
        }
        _pendingReaper = reaper;
    }

    private long _pendingReaper = -1;

    private void RemoveThread(long tid)
    {
        if (!_threads.Remove(tid, out ThreadInfo? thread))
        {
            return;
        }
        _lastEnter.Remove(tid);
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

    private static void ParseChdir(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamInt(evt, "res", -1) < 0)
        {
            return;
        }
        string path = evt.GetString(evt.Info.IndexOfParam("path"));
        ThreadInfo target = thread;
        target.Cwd = EnsureTrailingSlash(PathResolver.Resolve(thread.Cwd, path));
    }

    private static void ParseFchdir(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamInt(evt, "res", -1) < 0)
        {
            return;
        }
        if (thread.Fds.Find(ParamInt(evt, "fd", -1)) is { } fd)
        {
            thread.Cwd = EnsureTrailingSlash(fd.Name);
        }
    }

    private static void ParseSetId(ScapEvent evt, ThreadInfo thread, EventAction action)
    {
        if (ParamInt(evt, "res", -1) != 0)
        {
            return;
        }
        switch (action)
        {
            case EventAction.SetUid:
                SetIfValid(ParamInt(evt, "uid", -1), v => thread.Uid = v);
                break;
            case EventAction.SetGid:
                SetIfValid(ParamInt(evt, "gid", -1), v => thread.Gid = v);
                break;
            case EventAction.SetResUid:
                SetIfValid(ParamInt(evt, "euid", -1), v => thread.Uid = v);
                break;
            case EventAction.SetResGid:
                SetIfValid(ParamInt(evt, "egid", -1), v => thread.Gid = v);
                break;
        }
    }

    private static void SetIfValid(long value, Action<uint> set)
    {
        if (value >= 0 && value != uint.MaxValue)
        {
            set((uint)value);
        }
    }

    private static string EnsureTrailingSlash(string path) => path.EndsWith('/') ? path : path + "/";

    /// <summary>A NUL-separated list parameter (args, env, cgroups) as strings.</summary>
    private static string[] SplitNulList(ScapEvent evt, string name)
    {
        int index = evt.Info.IndexOfParam(name);
        ReadOnlySpan<byte> p = index >= 0 ? evt.GetParam(index) : default;
        if (p.IsEmpty)
        {
            return [];
        }
        if (p[^1] == 0)
        {
            p = p[..^1];
        }
        if (p.IsEmpty)
        {
            return [];
        }
        var items = new List<string>();
        foreach (Range r in p.Split((byte)0))
        {
            items.Add(Encoding.UTF8.GetString(p[r]));
        }
        return [.. items];
    }
}
