using System.Net;
using Falconet.Core.Snapshot;
using Falconet.State.Containers;

namespace Falconet.State;

/// <summary>
/// Loads the snapshot into the tables: the header blocks of a capture (machine, interfaces, users, process and fd
/// lists) or the /proc scan of live capture, which both deliver through <see cref="ISnapshotSink"/>. Threads and fds
/// arrive one by one; <see cref="Link"/> then ties threads to their leader's fd table and orients sockets.
/// </summary>
public sealed class SnapshotLoader : ISnapshotSink
{
    private readonly ThreadTable _threads;
    private readonly UserTable _users;
    private readonly InterfaceTable _interfaces;
    private readonly ContainerTable _containers;
    private readonly Action _onSectionStart;

    /// <summary>Ports of the listening sockets in the fd list, to orient the other sockets once all are read.</summary>
    private readonly HashSet<ushort> _serverPorts = [];
    private bool _linked = true;

    internal SnapshotLoader(ThreadTable threads, UserTable users, InterfaceTable interfaces, ContainerTable containers, Action onSectionStart)
    {
        _threads = threads;
        _users = users;
        _interfaces = interfaces;
        _containers = containers;
        _onSectionStart = onSectionStart;
    }

    /// <summary>The machine block of the snapshot, null before one is read.</summary>
    public MachineInfo? Machine { get; private set; }

    /// <inheritdoc />
    public void OnMachineInfo(MachineInfo info) => Machine = info;

    /// <inheritdoc />
    public void OnInterface(InterfaceAddress address) => _interfaces.Add(address);

    /// <inheritdoc />
    public void OnUser(UserRecord user) => _users.Add(user);

    /// <inheritdoc />
    public void OnGroup(GroupRecord group) => _users.Add(group);

    /// <inheritdoc />
    public void OnThread(ThreadRecord record)
    {
        ThreadInfo thread = FromRecord(record);
        _threads.Store(thread);
        _containers.OnContainerProcess(thread.ContainerId);
        _linked = false;
    }

    /// <inheritdoc />
    public void OnFd(FdRecord record)
    {
        if (_threads.Find(record.Tid) is not { } thread)
        {
            return;
        }
        thread.Fds.Set(FromRecord(record));
        _linked = false;
    }

    /// <inheritdoc />
    public void OnSectionStart()
    {
        _threads.Clear();
        _users.Clear();
        _interfaces.Clear();
        _serverPorts.Clear();
        _onSectionStart();
        Machine = null;
        _linked = true;
    }

    /// <inheritdoc />
    public void OnSnapshotComplete() => Link();

    /// <summary>
    /// Attaches non-leader threads to their leader's fd table, counts children and orients FDL sockets
    /// (local → remote as read; flipped to client → server when the local port is a listening port).
    /// Does nothing when no thread or fd arrived since the last call.
    /// </summary>
    internal void Link()
    {
        if (_linked)
        {
            return;
        }
        _linked = true;
        foreach (ThreadInfo thread in _threads.All.Values)
        {
            thread.ChildCount = 0;
        }
        foreach (ThreadInfo thread in _threads.All.Values)
        {
            if (!thread.IsMainThread && _threads.Find(thread.Pid) is { } leader && !ReferenceEquals(leader.Fds, thread.Fds))
            {
                foreach (FdInfo fd in thread.Fds.All)
                {
                    leader.Fds.Set(fd);
                }
                thread.Fds = leader.Fds;
            }
            _threads.AttachToParent(thread);
        }
        var seen = new HashSet<FdTable>(ReferenceEqualityComparer.Instance);
        foreach (ThreadInfo thread in _threads.All.Values)
        {
            if (seen.Add(thread.Fds))
            {
                OrientSockets(thread.Fds);
            }
        }
    }

    private void OrientSockets(FdTable fds)
    {
        foreach (FdInfo fd in fds.All)
        {
            if (fd.Kind != FdKind.Ipv4Socket || fd.Role != SocketRole.None)
            {
                continue;
            }
            if (_serverPorts.Contains(fd.ClientPort))
            {
                (fd.ClientIp, fd.ServerIp) = (fd.ServerIp, fd.ClientIp);
                (fd.ClientPort, fd.ServerPort) = (fd.ServerPort, fd.ClientPort);
                fd.Role = SocketRole.Server;
            }
            else
            {
                fd.Role = SocketRole.Client;
            }
        }
    }

    private static ThreadInfo FromRecord(ThreadRecord record)
    {
        var thread = new ThreadInfo(record.Tid)
        {
            Pid = record.Pid,
            ParentTid = record.ParentTid,
            Sid = record.Sid,
            Vpgid = record.Vpgid,
            Pgid = record.Pgid,
            Comm = record.Comm,
            Exe = record.Exe,
            ExePath = record.ExePath,
            Args = record.Args,
            Env = record.Env,
            Cwd = record.Cwd.Length > 0 ? ThreadEventParser.EnsureTrailingSlash(record.Cwd) : record.Cwd,
            Root = record.Root,
            FdLimit = record.FdLimit,
            Flags = record.Flags,
            Uid = record.Uid,
            Gid = record.Gid,
            LoginUid = record.LoginUid,
            Tty = record.Tty,
            CapInheritable = record.CapInheritable,
            CapPermitted = record.CapPermitted,
            CapEffective = record.CapEffective,
            ExeWritable = record.ExeWritable,
            ExeUpperLayer = record.ExeUpperLayer,
            ExeLowerLayer = record.ExeLowerLayer,
            ExeFromMemfd = record.ExeFromMemfd,
            ExeIno = record.ExeIno,
            ExeInoCtime = record.ExeInoCtime,
            ExeInoMtime = record.ExeInoMtime,
            VmSizeKb = record.VmSizeKb,
            VmRssKb = record.VmRssKb,
            VmSwapKb = record.VmSwapKb,
            PageFaultsMajor = record.PageFaultsMajor,
            PageFaultsMinor = record.PageFaultsMinor,
            PidNsInitStartTs = record.PidNsInitStartTs,
            Vtid = record.Vtid,
            Vpid = record.Vpid,
        };
        thread.SetCgroups(record.Cgroups);
        return thread;
    }

    private FdInfo FromRecord(FdRecord record)
    {
        var fd = new FdInfo
        {
            Fd = record.Fd,
            Kind = KindOf(record.Type),
            Name = record.Name,
            NameRaw = record.Name,
            OpenFlags = record.OpenFlags,
            Dev = record.Dev,
            Ino = record.Ino,
            L4Proto = record.L4Proto,
            UnixSource = record.UnixSource,
            UnixDestination = record.UnixDestination,
        };
        if (fd.IsIpSocket)
        {
            // FDL tuples are local → remote; Link orients them once all server ports are known.
            fd.ClientIp = record.SourceIp;
            fd.ClientPort = record.SourcePort;
            fd.ServerIp = record.DestinationIp;
            fd.ServerPort = record.DestinationPort;
            fd.IsConnected = record.L4Proto == ScapL4Protocol.Tcp;
            if (fd.Name.Length == 0)
            {
                fd.Name = $"{FormatAddress(record.SourceIp)}:{record.SourcePort}->{FormatAddress(record.DestinationIp)}:{record.DestinationPort}";
            }
        }
        else if (fd.IsServerSocket)
        {
            fd.ServerIp = record.SourceIp;
            fd.ServerPort = record.SourcePort;
            fd.Role = SocketRole.Server;
            _serverPorts.Add(record.SourcePort);
            if (fd.Name.Length == 0)
            {
                fd.Name = $"{FormatAddress(record.SourceIp)}:{record.SourcePort}";
            }
        }
        else if (fd.Kind == FdKind.Unix && fd.Name.Length > 0)
        {
            fd.Role = SocketRole.Server;
        }
        return fd;
    }

    private static string FormatAddress(IPAddress? address) => address?.ToString() ?? "0.0.0.0";

    private static FdKind KindOf(ScapFdType type) => type switch
    {
        ScapFdType.File or ScapFdType.FileV2 => FdKind.File,
        ScapFdType.Directory => FdKind.Directory,
        ScapFdType.Ipv4Socket => FdKind.Ipv4Socket,
        ScapFdType.Ipv6Socket => FdKind.Ipv6Socket,
        ScapFdType.Ipv4ServerSocket => FdKind.Ipv4ServerSocket,
        ScapFdType.Ipv6ServerSocket => FdKind.Ipv6ServerSocket,
        ScapFdType.Fifo => FdKind.Fifo,
        ScapFdType.UnixSocket => FdKind.Unix,
        ScapFdType.Event => FdKind.Event,
        ScapFdType.Unsupported => FdKind.Unsupported,
        ScapFdType.SignalFd => FdKind.SignalFd,
        ScapFdType.EventPoll => FdKind.EventPoll,
        ScapFdType.Inotify => FdKind.Inotify,
        ScapFdType.TimerFd => FdKind.TimerFd,
        ScapFdType.Netlink => FdKind.Netlink,
        ScapFdType.Bpf => FdKind.Bpf,
        ScapFdType.UserFaultFd => FdKind.UserFaultFd,
        ScapFdType.IoUring => FdKind.IoUring,
        ScapFdType.Memfd => FdKind.Memfd,
        ScapFdType.PidFd => FdKind.PidFd,
        _ => FdKind.Unknown,
    };
}
