using Falconet.Core.Events;
using Falconet.State.Containers;

namespace Falconet.State;

public sealed partial class SystemState
{
    /// <summary>What the state engine does with an event type, by name (all layouts of one syscall share it).</summary>
    private enum EventAction : byte
    {
        None = 0,
        Clone,
        Execve,
        ProcExit,
        Open,
        Socket,
        Bind,
        Connect,
        Accept,
        Close,
        Dup,
        Pipe,
        SocketPair,
        SimpleFd,
        ReadWrite,
        SendTuple,
        RecvTuple,
        Chdir,
        Fchdir,
        SetUid,
        SetGid,
        SetResUid,
        SetResGid,
        UserAdded,
        UserDeleted,
        GroupAdded,
        GroupDeleted,
    }

    private static readonly EventAction[] s_actions = BuildActions();
    private static readonly FdKind[] s_simpleFdKinds = BuildSimpleFdKinds();

    /// <summary>Per thread, the last enter event (copied), to complete old-layout exit events.</summary>
    private readonly Dictionary<long, ScapEvent> _lastEnter = [];
    private readonly ScapEvent _conversionScratch = new();
    private readonly Utf8StringCache _strings = new();
    private readonly NulListCache _lists;

    /// <summary>Stored enter events of removed threads, reused for new threads.</summary>
    private readonly Stack<ScapEvent> _freeEnters = new();
    private const int MaxFreeEnters = 1024;

    private long _pendingThreadRemoval = -1;
    private ulong _eventNumber;
    private FdTable? _pendingFdRemoval;
    private long _pendingFdRemovalNumber = -1;

    /// <summary>
    /// Parses one event into the state and fills <see cref="Context"/>. Renumbers the event
    /// (<see cref="ScapEvent.Number"/>) the way Falco counts <c>evt.num</c>: only events that reach libsinsp's parser.
    /// Returns true when rules should see it: exit and meta events that are not state-only
    /// (enter events feed state only, as in current Falco).
    /// </summary>
    public bool Process(ScapEvent evt)
    {
        Containers.ApplyPosted();
        ApplyPendingRemovals();
        LinkSnapshot();
        EventContext context = Context;
        context.Event = evt;
        context.Thread = null;
        context.Fd = null;
        context.FdNumber = -1;
        context.FdNameChanged = false;

        if (!EventTable.IsKnown(evt.Type) || evt.Info.IsUnused)
        {
            return false;
        }
        EventInfo info = evt.Info;
        if (ReachesParser(info))
        {
            evt.Number = ++_eventNumber;
        }
        bool oneShot = info.IsEnter && IsOneShotEnter(info);
        if (info.IsEnter && !oneShot)
        {
            // Syscall enter events only serve to complete old-layout exits (libs' converter stores them).
            StoreEnter(evt);
            return false;
        }
        if (ContainerTable.IsContainerEvent(evt.Type))
        {
            // Before up-conversion: the old container layouts become CONTAINER_JSON_2 without their parameters.
            Containers.ParseEvent(evt);
        }
        UpConvert(evt);
        info = evt.Info;

        ThreadInfo? thread = evt.ThreadId >= 0 ? GetOrInventThread(evt.ThreadId, info) : null;
        context.Thread = thread;

        // The fd the event refers to, looked up before parsing so the close event still sees it and
        // fd.name_changed can compare against the name before this event.
        FdInfo? fdBefore = null;
        string? nameBefore = null;
        bool hasFd = (info.Flags & (EventFlags.CreatesFd | EventFlags.UsesFd | EventFlags.DestroysFd)) != 0;
        long fdNumber = -1;
        if (hasFd && thread is not null)
        {
            fdNumber = EventFdNumber(evt, thread);
            if (fdNumber < 0 && (info.Flags & EventFlags.CreatesFd) != 0)
            {
                fdNumber = -1; // a failed creation reports -errno; fd.num shows -1
            }
            context.FdNumber = fdNumber;
            fdBefore = fdNumber >= 0 ? thread.Fds.Find(fdNumber) : null;
            nameBefore = fdBefore?.Name;
        }

        if (thread is not null || s_actions[evt.Type] is EventAction.ProcExit or EventAction.Clone
            or EventAction.UserAdded or EventAction.UserDeleted or EventAction.GroupAdded or EventAction.GroupDeleted)
        {
            ParseEvent(evt, thread, s_actions[evt.Type]);
            if (s_actions[evt.Type] is EventAction.Clone or EventAction.Execve && context.Thread is { ContainerId.Length: > 0 } inContainer)
            {
                Containers.OnContainerProcess(inContainer.ContainerId);
            }
        }

        // Parsing may have replaced the thread (clone child side) or created the fd.
        thread = context.Thread;
        if (hasFd && thread is not null)
        {
            FdInfo? fd = fdNumber >= 0 ? thread.Fds.Find(fdNumber) : null;
            if (fd is null && fdBefore is not null && _pendingFdRemoval is not null && _pendingFdRemovalNumber == fdNumber)
            {
                fd = fdBefore; // close: removed after the event, still visible to it
            }
            context.Fd = fd;
            if (fd is not null)
            {
                context.FdNameChanged = ReferenceEquals(fd, fdBefore) ? !string.Equals(fd.Name, nameBefore, StringComparison.Ordinal) : fd.Name.Length > 0;
                thread.LastEventFd = fdNumber;
            }
        }
        return !evt.IsStateOnly && (info.Category & EventCategory.Internal) == 0;
    }

    /// <summary>
    /// Whether libs' converter lets an event through to the parser, which numbers it (<c>evt.num</c>): every exit,
    /// every non-syscall event, and the syscall enter events still current (open, connect, creat, openat, openat2)
    /// or passed on for their exit (execve, execveat). Other syscall enter events are stored by the converter and
    /// never numbered, so a 2018 capture's evt.num differs from its position in the file.
    /// </summary>
    private static bool ReachesParser(EventInfo info) =>
        !info.IsEnter || (info.Category & EventCategory.Syscall) == 0 || !info.IsOldVersion || info.Id is 292 or 330;

    /// <summary>Enter-direction events with no exit partner (tracepoints, meta events): delivered as they are.</summary>
    private static bool IsOneShotEnter(EventInfo info)
    {
        if ((info.Category & (EventCategory.Metaevent | EventCategory.Tracepoint | EventCategory.Plugin)) != 0)
        {
            return true;
        }
        return EventTable.IsKnown(info.Id + 1) && EventTable.Get(info.Id + 1).IsUnused;
    }

    private void ApplyPendingRemovals()
    {
        if (_pendingFdRemoval is not null)
        {
            _pendingFdRemoval.Remove(_pendingFdRemovalNumber);
            _pendingFdRemoval = null;
            _pendingFdRemovalNumber = -1;
        }
        if (_pendingThreadRemoval >= 0)
        {
            RemoveThread(_pendingThreadRemoval);
            _pendingThreadRemoval = -1;
        }
    }

    private void StoreEnter(ScapEvent evt)
    {
        if (evt.ThreadId < 0)
        {
            return;
        }
        if (!_lastEnter.TryGetValue(evt.ThreadId, out ScapEvent? stored))
        {
            stored = _freeEnters.Count > 0 ? _freeEnters.Pop() : new ScapEvent();
            _lastEnter[evt.ThreadId] = stored;
        }
        stored.CopyFrom(evt);
    }

    /// <summary>Keeps a gone thread's stored enter event for the next new thread (each one holds a 4 KB buffer).</summary>
    private void ReleaseStoredEnter(long tid)
    {
        if (_lastEnter.Remove(tid, out ScapEvent? stored) && _freeEnters.Count < MaxFreeEnters)
        {
            _freeEnters.Push(stored);
        }
    }

    /// <summary>
    /// Brings an event in an old layout to the current one (scap-format.md §3.3). An id only ever gains trailing
    /// parameters, so a short event of a current id keeps its parameters and gets the missing ones; an old id is
    /// rebuilt as the current id parameter by parameter, by name. Parameters the event lacks come by name from the
    /// thread's stored enter event of the same syscall, else are empty (absent).
    /// </summary>
    private void UpConvert(ScapEvent evt)
    {
        ushort current = EventTable.CurrentId(evt.Type);
        EventInfo target = EventTable.Get(current);
        if (current == evt.Type && evt.ParamCount >= target.Parameters.Count)
        {
            return;
        }
        ScapEvent? enter = null;
        if (!evt.IsEnter && _lastEnter.TryGetValue(evt.ThreadId, out ScapEvent? stored)
            && string.Equals(stored.Info.Name, target.Name, StringComparison.Ordinal))
        {
            enter = stored;
        }
        int first = evt.ParamCount;
        ScapEvent? source = null;
        if (current != evt.Type)
        {
            source = _conversionScratch;
            source.CopyFrom(evt);
            uint blockFlags = evt.BlockFlags;
            evt.Reset(evt.OriginalType, evt.Timestamp, evt.ThreadId);
            evt.BlockFlags = blockFlags;
            first = 0;
        }
        evt.ConvertTo(current);
        ReadOnlySpan<sbyte> sourceMap = source is null ? default : LayoutMap.Get(source.Type, current, oldFdFromFd: false);
        ReadOnlySpan<sbyte> enterMap = enter is null ? default : LayoutMap.Get(enter.Type, current, oldFdFromFd: true);
        for (int i = first; i < target.Parameters.Count; i++)
        {
            int fromSource = source is null ? -1 : sourceMap[i];
            if (fromSource >= 0)
            {
                evt.AppendParam(source!.GetParam(fromSource));
                continue;
            }
            int fromEnter = enter is null ? -1 : enterMap[i];
            evt.AppendParam(fromEnter >= 0 ? enter!.GetParam(fromEnter) : default);
        }
        // One exit per enter: a later exit of the same syscall must not reuse it.
        enter?.Reset(0, 0, evt.ThreadId);
    }

    /// <summary>
    /// The thread of an event. In capture mode libsinsp cannot read /proc, so for an unknown tid it invents
    /// a thread with unknown values (pid -1, comm/exe "&lt;NA&gt;"); clone children and procexit are exempt.
    /// </summary>
    private ThreadInfo? GetOrInventThread(long tid, EventInfo info)
    {
        if (_threads.TryGetValue(tid, out ThreadInfo? thread))
        {
            return thread;
        }
        EventAction action = s_actions[info.Id];
        if (action is EventAction.ProcExit or EventAction.Clone)
        {
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
        StoreThread(thread);
        return thread;
    }

    /// <summary>The fd number an fd event refers to: its <c>fd</c> parameter, an fd-typed result, else the thread's last event fd.</summary>
    private static long EventFdNumber(ScapEvent evt, ThreadInfo thread)
    {
        EventInfo info = evt.Info;
        int index = ParamIndex.Of(evt.Type, Param.Fd);
        if (index < 0 && info.Parameters.Count > 0 && info.Parameters[0].Type == ParamType.Fd && !info.IsEnter)
        {
            index = 0;
        }
        if (index >= 0 && evt.TryGetInt64(index, out long fd))
        {
            return fd;
        }
        return thread.LastEventFd;
    }

    private void ParseEvent(ScapEvent evt, ThreadInfo? thread, EventAction action)
    {
        switch (action)
        {
            case EventAction.Clone:
                ParseClone(evt, thread);
                break;
            case EventAction.Execve:
                ParseExecve(evt, thread!);
                break;
            case EventAction.ProcExit:
                ParseProcExit(evt);
                break;
            case EventAction.Open:
                ParseOpen(evt, thread!);
                break;
            case EventAction.Socket:
                ParseSocket(evt, thread!);
                break;
            case EventAction.Bind:
                ParseBind(evt, thread!);
                break;
            case EventAction.Connect:
                ParseConnect(evt, thread!);
                break;
            case EventAction.Accept:
                ParseAccept(evt, thread!);
                break;
            case EventAction.Close:
                ParseClose(evt, thread!);
                break;
            case EventAction.Dup:
                ParseDup(evt, thread!);
                break;
            case EventAction.Pipe:
                ParsePipe(evt, thread!);
                break;
            case EventAction.SocketPair:
                ParseSocketPair(evt, thread!);
                break;
            case EventAction.SimpleFd:
                ParseSimpleFd(evt, thread!);
                break;
            case EventAction.ReadWrite:
                ParseReadWrite(evt, thread!, tupleIndex: -1, incoming: false);
                break;
            case EventAction.SendTuple:
                ParseReadWrite(evt, thread!, ParamIndex.Of(evt.Type, Param.Tuple), incoming: false);
                break;
            case EventAction.RecvTuple:
                ParseReadWrite(evt, thread!, ParamIndex.Of(evt.Type, Param.Tuple), incoming: true);
                break;
            case EventAction.Chdir:
                ParseChdir(evt, thread!);
                break;
            case EventAction.Fchdir:
                ParseFchdir(evt, thread!);
                break;
            case EventAction.SetUid:
            case EventAction.SetGid:
            case EventAction.SetResUid:
            case EventAction.SetResGid:
                ParseSetId(evt, thread!, action);
                break;
            case EventAction.UserAdded:
            case EventAction.UserDeleted:
            case EventAction.GroupAdded:
            case EventAction.GroupDeleted:
                ParseUserGroupEvent(evt, action);
                break;
        }
    }

    /// <summary>useradded/userdeleted/groupadded/groupdeleted meta events keep the user and group tables current.</summary>
    private void ParseUserGroupEvent(ScapEvent evt, EventAction action)
    {
        EventInfo info = evt.Info;
        string containerId = evt.GetString(ParamIndex.Of(evt.Type, Param.ContainerId));
        switch (action)
        {
            case EventAction.UserAdded:
                OnUser(new Core.Snapshot.UserRecord((uint)ParamInt(evt, Param.Uid, 0), (uint)ParamInt(evt, Param.Gid, 0), evt.GetString(ParamIndex.Of(evt.Type, Param.Name)),
                    evt.GetString(ParamIndex.Of(evt.Type, Param.Home)), evt.GetString(ParamIndex.Of(evt.Type, Param.Shell)), containerId));
                break;
            case EventAction.UserDeleted:
                _users.Remove((uint)ParamInt(evt, Param.Uid, 0));
                break;
            case EventAction.GroupAdded:
                OnGroup(new Core.Snapshot.GroupRecord((uint)ParamInt(evt, Param.Gid, 0), evt.GetString(ParamIndex.Of(evt.Type, Param.Name)), containerId));
                break;
            case EventAction.GroupDeleted:
                _groups.Remove((uint)ParamInt(evt, Param.Gid, 0));
                break;
        }
    }

    private static long ParamInt(ScapEvent evt, Param param, long fallback)
    {
        int index = ParamIndex.Of(evt.Type, param);
        return index >= 0 && evt.TryGetInt64(index, out long value) ? value : fallback;
    }

    private static EventAction[] BuildActions()
    {
        var actions = new EventAction[EventTable.All.Count];
        void Set(EventAction action, params string[] names)
        {
            foreach (string name in names)
            {
                foreach (ushort id in EventTable.IdsByName(name))
                {
                    actions[id] = action;
                }
            }
        }
        Set(EventAction.Clone, "clone", "fork", "vfork", "clone3");
        Set(EventAction.Execve, "execve", "execveat");
        Set(EventAction.ProcExit, "procexit");
        Set(EventAction.Open, "open", "openat", "openat2", "creat");
        Set(EventAction.Socket, "socket");
        Set(EventAction.Bind, "bind");
        Set(EventAction.Connect, "connect");
        Set(EventAction.Accept, "accept", "accept4");
        Set(EventAction.Close, "close");
        Set(EventAction.Dup, "dup", "dup2", "dup3");
        Set(EventAction.Pipe, "pipe", "pipe2");
        Set(EventAction.SocketPair, "socketpair");
        Set(EventAction.SimpleFd, "eventfd", "eventfd2", "signalfd", "signalfd4", "inotify_init", "inotify_init1", "timerfd_create",
            "epoll_create", "epoll_create1", "userfaultfd", "io_uring_setup", "memfd_create", "pidfd_open", "pidfd_getfd", "bpf");
        Set(EventAction.ReadWrite, "read", "write", "readv", "writev", "pread", "pwrite", "preadv", "pwritev");
        Set(EventAction.SendTuple, "send", "sendto", "sendmsg", "sendmmsg");
        Set(EventAction.RecvTuple, "recv", "recvfrom", "recvmsg", "recvmmsg");
        Set(EventAction.Chdir, "chdir");
        Set(EventAction.Fchdir, "fchdir");
        Set(EventAction.SetUid, "setuid");
        Set(EventAction.SetGid, "setgid");
        Set(EventAction.SetResUid, "setresuid");
        Set(EventAction.SetResGid, "setresgid");
        Set(EventAction.UserAdded, "useradded");
        Set(EventAction.UserDeleted, "userdeleted");
        Set(EventAction.GroupAdded, "groupadded");
        Set(EventAction.GroupDeleted, "groupdeleted");
        return actions;
    }

    private static FdKind[] BuildSimpleFdKinds()
    {
        var kinds = new FdKind[EventTable.All.Count];
        void Set(FdKind kind, params string[] names)
        {
            foreach (string name in names)
            {
                foreach (ushort id in EventTable.IdsByName(name))
                {
                    kinds[id] = kind;
                }
            }
        }
        Set(FdKind.Event, "eventfd", "eventfd2");
        Set(FdKind.SignalFd, "signalfd", "signalfd4");
        Set(FdKind.Inotify, "inotify_init", "inotify_init1");
        Set(FdKind.TimerFd, "timerfd_create");
        Set(FdKind.EventPoll, "epoll_create", "epoll_create1");
        Set(FdKind.UserFaultFd, "userfaultfd");
        Set(FdKind.IoUring, "io_uring_setup");
        Set(FdKind.Memfd, "memfd_create");
        Set(FdKind.PidFd, "pidfd_open", "pidfd_getfd");
        Set(FdKind.Bpf, "bpf");
        return kinds;
    }
}
