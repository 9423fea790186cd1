using Falconet.Core.Snapshot;

namespace Falconet.State;

/// <summary>
/// The inverse of <see cref="SnapshotLoader"/>: delivers the current tables (machine, interfaces, users, threads and
/// their fds) as snapshot records, so a capture written from the middle of a stream (a filtered re-write, a rotated
/// file, a rule-triggered capture) starts with the state its events refer to. Runs off the event path (once per file
/// written), so it may allocate.
/// </summary>
public static class SnapshotExporter
{
    /// <summary>
    /// Delivers the state of <paramref name="state"/> to <paramref name="sink"/>. When <paramref name="includeThread"/>
    /// is given, only the threads it accepts (and their fds) are delivered; users and groups are then limited to
    /// those the delivered threads run as. Invented threads (seen only in events, with nothing known) are left out,
    /// as a reader would invent them again.
    /// </summary>
    public static void Export(SystemState state, ISnapshotSink sink, Func<ThreadInfo, bool>? includeThread = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(sink);
        if (state.Machine is { } machine)
        {
            sink.OnMachineInfo(machine);
        }
        foreach (InterfaceAddress address in state.InterfaceTable.All)
        {
            sink.OnInterface(address);
        }
        var threads = state.ThreadTable.All.Values
            .Where(t => !t.IsInvented && (includeThread is null || includeThread(t)))
            .OrderBy(t => t.Tid)
            .ToList();
        var uids = new HashSet<uint>(threads.Select(t => t.Uid));
        var gids = new HashSet<uint>(threads.Select(t => t.Gid));
        foreach (UserRecord user in state.UserTable.Users.OrderBy(u => u.Uid))
        {
            if (includeThread is null || uids.Contains(user.Uid))
            {
                sink.OnUser(user);
                gids.Add(user.Gid);
            }
        }
        foreach (GroupRecord group in state.UserTable.Groups.OrderBy(g => g.Gid))
        {
            if (includeThread is null || gids.Contains(group.Gid))
            {
                sink.OnGroup(group);
            }
        }
        foreach (ThreadInfo thread in threads)
        {
            sink.OnThread(ToRecord(thread));
        }
        // Threads of one process share their leader's table: it is written once, under the leader when it is written.
        var written = new HashSet<FdTable>(ReferenceEqualityComparer.Instance);
        foreach (ThreadInfo thread in threads.OrderBy(t => t.IsMainThread ? 0 : 1).ThenBy(t => t.Tid))
        {
            if (!written.Add(thread.Fds))
            {
                continue;
            }
            foreach (FdInfo fd in thread.Fds.All.OrderBy(f => f.Fd))
            {
                if (ToRecord(thread.Tid, fd) is { } record)
                {
                    sink.OnFd(record);
                }
            }
        }
        sink.OnSnapshotComplete();
    }

    private static ThreadRecord ToRecord(ThreadInfo t) => new()
    {
        Tid = t.Tid,
        Pid = t.Pid,
        ParentTid = t.ParentTid,
        Sid = t.Sid,
        Vpgid = t.Vpgid,
        Pgid = t.Pgid,
        Comm = t.Comm,
        Exe = t.Exe,
        ExePath = t.ExePath,
        Args = t.Args,
        Env = t.Env,
        Cwd = t.Cwd,
        Root = t.Root,
        Cgroups = t.Cgroups,
        FdLimit = t.FdLimit,
        Flags = t.Flags,
        Uid = t.Uid,
        Gid = t.Gid,
        LoginUid = t.LoginUid,
        Tty = t.Tty,
        CapInheritable = t.CapInheritable,
        CapPermitted = t.CapPermitted,
        CapEffective = t.CapEffective,
        ExeWritable = t.ExeWritable,
        ExeUpperLayer = t.ExeUpperLayer,
        ExeLowerLayer = t.ExeLowerLayer,
        ExeFromMemfd = t.ExeFromMemfd,
        ExeIno = t.ExeIno,
        ExeInoCtime = t.ExeInoCtime,
        ExeInoMtime = t.ExeInoMtime,
        VmSizeKb = t.VmSizeKb,
        VmRssKb = t.VmRssKb,
        VmSwapKb = t.VmSwapKb,
        PageFaultsMajor = t.PageFaultsMajor,
        PageFaultsMinor = t.PageFaultsMinor,
        PidNsInitStartTs = t.PidNsInitStartTs,
        Vtid = t.Vtid,
        Vpid = t.Vpid,
    };

    /// <summary>One fd as an FDL entry; null for kinds no fd list can carry.</summary>
    private static FdRecord? ToRecord(long tid, FdInfo fd)
    {
        var record = new FdRecord
        {
            Tid = tid,
            Fd = fd.Fd,
            Ino = fd.Ino,
            Name = fd.Name,
            OpenFlags = fd.OpenFlags,
            Dev = fd.Dev,
            L4Proto = fd.L4Proto,
            UnixSource = fd.UnixSource,
            UnixDestination = fd.UnixDestination,
        };
        switch (fd.Kind)
        {
            case FdKind.Ipv4Socket:
            case FdKind.Ipv6Socket:
                record.Type = fd.Kind == FdKind.Ipv4Socket ? ScapFdType.Ipv4Socket : ScapFdType.Ipv6Socket;
                // FDL tuples are local → remote; the state keeps client → server, so a server-side socket is flipped.
                bool local = fd.Role != SocketRole.Server;
                record.SourceIp = local ? fd.ClientIp : fd.ServerIp;
                record.SourcePort = local ? fd.ClientPort : fd.ServerPort;
                record.DestinationIp = local ? fd.ServerIp : fd.ClientIp;
                record.DestinationPort = local ? fd.ServerPort : fd.ClientPort;
                record.Name = "";
                return record;
            case FdKind.Ipv4ServerSocket:
            case FdKind.Ipv6ServerSocket:
                record.Type = fd.Kind == FdKind.Ipv4ServerSocket ? ScapFdType.Ipv4ServerSocket : ScapFdType.Ipv6ServerSocket;
                record.SourceIp = fd.ServerIp;
                record.SourcePort = fd.ServerPort;
                record.Name = "";
                return record;
            case FdKind.Unknown:
                return null;
            default:
                record.Type = TypeOf(fd.Kind);
                return record;
        }
    }

    private static ScapFdType TypeOf(FdKind kind) => kind switch
    {
        FdKind.File => ScapFdType.FileV2,
        FdKind.Directory => ScapFdType.Directory,
        FdKind.Fifo => ScapFdType.Fifo,
        FdKind.Unix => ScapFdType.UnixSocket,
        FdKind.Event => ScapFdType.Event,
        FdKind.SignalFd => ScapFdType.SignalFd,
        FdKind.EventPoll => ScapFdType.EventPoll,
        FdKind.Inotify => ScapFdType.Inotify,
        FdKind.TimerFd => ScapFdType.TimerFd,
        FdKind.Netlink => ScapFdType.Netlink,
        // bpf, userfaultfd, io_uring, memfd and pidfd (types 17-21) make sysdig 0.29.3 refuse the whole file; they
        // go out as "unsupported" with their names, which every reader accepts.
        _ => ScapFdType.Unsupported,
    };
}
