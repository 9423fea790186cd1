using Falconet.Core.Events;
using Falconet.State.Containers;

namespace Falconet.State;

/// <summary>
/// Runs one event through the state: numbers it, stores or up-converts it, finds its thread and fd, and routes it
/// by type to the parser that changes the tables, then fills the <see cref="EventContext"/> rules read.
/// </summary>
internal sealed class EventDispatcher(
    EventContext context,
    UserTable users,
    ContainerTable containers,
    SnapshotLoader snapshot,
    LayoutUpConverter converter,
    ThreadEventParser threadEvents,
    FdEventParser fdEvents,
    DnsTrafficObserver dns,
    ParamReader reader)
{
    // The syscall enter events libs' converter passes on to the parser although they are not the current layout's
    // exit partner: PPME_SYSCALL_EXECVE_19_E and PPME_SYSCALL_EXECVEAT_E.
    private const ushort ExecveEnter = 292;
    private const ushort ExecveatEnter = 330;

    private ulong _eventNumber;

    /// <summary>See <see cref="SystemState.Process"/>.</summary>
    public bool Process(ScapEvent evt)
    {
        containers.ApplyPosted();
        fdEvents.ApplyPendingRemoval();
        threadEvents.ApplyPendingRemoval();
        snapshot.Link();
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
            if (FirstEventTimestamp == 0 && (info.Category & EventCategory.Internal) == 0 && !ContainerTable.IsContainerEvent(evt.Type))
            {
                FirstEventTimestamp = evt.Timestamp; // evt.reltime counts from the first event the parser sees, as in libsinsp
            }
        }
        if (info.IsEnter && !IsOneShotEnter(info))
        {
            // Syscall enter events only serve to complete old-layout exits (libs' converter stores them).
            converter.StoreEnter(evt);
            return false;
        }
        if (ContainerTable.IsContainerEvent(evt.Type))
        {
            // Before up-conversion: the old container layouts become CONTAINER_JSON_2 without their parameters.
            containers.ParseEvent(evt);
        }
        converter.UpConvert(evt);
        info = evt.Info;
        EventAction action = EventActions.Of(evt.Type);

        ThreadInfo? thread = evt.ThreadId >= 0 ? threadEvents.GetOrInventThread(evt.ThreadId, action) : null;
        context.Thread = thread;

        // The fd the event refers to, looked up before parsing so the close event still sees it and
        // fd.name_changed can compare against the name before this event.
        bool hasFd = (info.Flags & (EventFlags.CreatesFd | EventFlags.UsesFd | EventFlags.DestroysFd)) != 0 && thread is not null;
        long fdNumber = -1;
        FdInfo? fdBefore = null;
        if (hasFd)
        {
            fdNumber = EventFdNumber(evt, thread!);
            if (fdNumber < 0 && (info.Flags & EventFlags.CreatesFd) != 0)
            {
                fdNumber = -1; // a failed creation reports -errno; fd.num shows -1
            }
            context.FdNumber = fdNumber;
            fdBefore = fdNumber >= 0 ? thread!.Fds.Find(fdNumber) : null;
        }
        string? nameBefore = fdBefore?.Name;

        if (thread is not null || action is EventAction.ProcExit or EventAction.Clone
            or EventAction.UserAdded or EventAction.UserDeleted or EventAction.GroupAdded or EventAction.GroupDeleted)
        {
            Route(evt, thread, action, fdNumber);
            if (action is EventAction.Clone or EventAction.Execve or EventAction.Execveat && context.Thread is { ContainerId.Length: > 0 } inContainer)
            {
                containers.OnContainerProcess(inContainer.ContainerId);
            }
        }

        // Parsing may have replaced the thread (clone child side) or created the fd.
        thread = context.Thread;
        if (hasFd && thread is not null)
        {
            FdInfo? fd = fdNumber >= 0 ? thread.Fds.Find(fdNumber) : null;
            if (fd is null && fdBefore is not null && fdEvents.IsClosing(fdNumber))
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
        // Of the internal events, Falco's rules see procinfo (the capture's per-thread CPU times, written after the
        // snapshot): thread.cpu* have a value only there.
        return !evt.IsStateOnly && ((info.Category & EventCategory.Internal) == 0 || action == EventAction.ProcInfo)
            && !ContainerTable.IsLegacyContainerEvent(evt.Type);
    }

    /// <summary>The timestamp of the first event the parser sees, snapshot and container events aside (0 before it); see <see cref="SystemState.FirstEventTimestamp"/>.</summary>
    public ulong FirstEventTimestamp { get; private set; }

    /// <summary>
    /// Whether libs' converter lets an event through to the parser, which numbers it (<c>evt.num</c>): every exit,
    /// every non-syscall event, and the syscall enter events still current (open, connect, creat, openat, openat2)
    /// or passed on for their exit (execve, execveat). Other syscall enter events are stored by the converter and
    /// never numbered, so a 2018 capture's evt.num differs from its position in the file.
    /// </summary>
    private static bool ReachesParser(EventInfo info) =>
        !info.IsEnter || (info.Category & EventCategory.Syscall) == 0 || !info.IsOldVersion || info.Id is ExecveEnter or ExecveatEnter;

    /// <summary>Enter-direction events with no exit partner (tracepoints, meta events): delivered as they are.</summary>
    private static bool IsOneShotEnter(EventInfo info)
    {
        if ((info.Category & (EventCategory.Metaevent | EventCategory.Tracepoint | EventCategory.Plugin)) != 0)
        {
            return true;
        }
        return EventTable.IsKnown(info.Id + 1) && EventTable.Get(info.Id + 1).IsUnused;
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

    /// <summary>Hands the event to its parser; <paramref name="thread"/> is null only for clone, procexit and user/group events.</summary>
    private void Route(ScapEvent evt, ThreadInfo? thread, EventAction action, long fdNumber)
    {
        switch (action)
        {
            case EventAction.Clone:
                threadEvents.ParseClone(evt, thread, context);
                break;
            case EventAction.Execve:
            case EventAction.Execveat:
                threadEvents.ParseExecve(evt, thread!, execveat: action == EventAction.Execveat);
                break;
            case EventAction.ProcExit:
                threadEvents.ParseProcExit(evt, context);
                break;
            case EventAction.Chdir:
                threadEvents.ParseChdir(evt, thread!);
                break;
            case EventAction.Fchdir:
                ThreadEventParser.ParseFchdir(evt, thread!);
                break;
            case EventAction.SetUid:
            case EventAction.SetGid:
            case EventAction.SetResUid:
            case EventAction.SetResGid:
                ThreadEventParser.ParseSetId(evt, thread!, action);
                break;
            case EventAction.Open:
            case EventAction.Creat:
                fdEvents.ParseOpen(evt, thread!, creat: action == EventAction.Creat);
                break;
            case EventAction.Socket:
                FdEventParser.ParseSocket(evt, thread!);
                break;
            case EventAction.Bind:
                fdEvents.ParseBind(evt, thread!);
                break;
            case EventAction.Connect:
                fdEvents.ParseConnect(evt, thread!);
                if (thread!.Fds.Find(fdNumber) is { IsConnected: true } connected)
                {
                    dns.OnConnected(evt, thread, connected);
                }
                break;
            case EventAction.Accept:
                fdEvents.ParseAccept(evt, thread!);
                break;
            case EventAction.Close:
                fdEvents.ParseClose(evt, thread!); // the fd's DNS pin goes with it (FdTable.Remove)
                break;
            case EventAction.Dup:
            case EventAction.Dup3:
                FdEventParser.ParseDup(evt, thread!, dup3: action == EventAction.Dup3);
                break;
            case EventAction.Pipe:
            case EventAction.SocketPair:
                FdEventParser.ParseFdPair(evt, thread!, socketPair: action == EventAction.SocketPair);
                break;
            case EventAction.SimpleFd:
                fdEvents.ParseSimpleFd(evt, thread!);
                break;
            case EventAction.ReadWrite:
            case EventAction.SendTuple:
            case EventAction.RecvTuple:
                fdEvents.ParseReadWrite(evt, thread!, fdNumber, hasTuple: action != EventAction.ReadWrite, incoming: action == EventAction.RecvTuple);
                if (EventActions.IsReceive(evt.Type) && fdNumber >= 0)
                {
                    dns.OnReceive(evt, thread!, thread!.Fds.Find(fdNumber));
                }
                break;
            case EventAction.UserAdded:
            case EventAction.UserDeleted:
            case EventAction.GroupAdded:
            case EventAction.GroupDeleted:
                users.Apply(evt, action, reader);
                break;
        }
    }
}
