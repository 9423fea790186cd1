using System.Net;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.State.Containers;

namespace Falconet.State;

/// <summary>
/// The state engine (libsinsp's parsers and tables): takes the snapshot from a capture's header blocks
/// or a /proc scan, then every event, and keeps threads, fds, users and groups current.
/// </summary>
public sealed partial class SystemState : ISnapshotSink
{
    private readonly Dictionary<long, ThreadInfo> _threads = [];
    private readonly Dictionary<uint, UserRecord> _users = [];
    private readonly Dictionary<uint, GroupRecord> _groups = [];
    private readonly List<InterfaceAddress> _interfaces = [];
    private readonly HashSet<ushort> _snapshotServerPorts = [];
    private bool _snapshotLinked = true;

    public SystemState()
    {
        Context = new EventContext(this);
        _lists = new NulListCache(_strings);
    }

    /// <summary>The context of the last processed event (reused).</summary>
    public EventContext Context { get; }

    public MachineInfo? Machine { get; private set; }

    public IReadOnlyDictionary<long, ThreadInfo> Threads => _threads;

    public IReadOnlyList<InterfaceAddress> Interfaces => _interfaces;

    /// <summary>Container metadata by container id (the container plugin's cache).</summary>
    public ContainerTable Containers { get; } = new();

    /// <summary>Domain names observed for addresses (never resolved on the event path); empty until something fills it.</summary>
    public DnsObservations Dns { get; } = new();

    public ThreadInfo? FindThread(long tid) => _threads.TryGetValue(tid, out ThreadInfo? t) ? t : null;

    public UserRecord? FindUser(uint uid) => _users.TryGetValue(uid, out UserRecord? u) ? u : null;

    public GroupRecord? FindGroup(uint gid) => _groups.TryGetValue(gid, out GroupRecord? g) ? g : null;

    /// <summary>The main thread (thread-group leader) of <paramref name="thread"/>, itself for a main thread; null when unknown.</summary>
    public ThreadInfo? FindMainThread(ThreadInfo thread) => thread.IsMainThread ? thread : FindThread(thread.Pid);

    /// <summary>The parent of <paramref name="thread"/>'s process (through its main thread), null when unknown.</summary>
    public ThreadInfo? FindParent(ThreadInfo thread)
    {
        ThreadInfo? main = FindMainThread(thread);
        if (main is null || main.ParentTid < 0 || main.ParentTid == main.Tid)
        {
            return null;
        }
        return FindThread(main.ParentTid);
    }

    /// <summary>
    /// Whether <paramref name="address"/> belongs to this machine (decides local/remote in <c>fd.lip</c>/<c>fd.rip</c>
    /// and <c>fd.is_server</c>): an IPv4 address equal to an interface address, or an IPv6 address in the /64 of an
    /// interface address (libsinsp compares the first 64 bits for IPv6).
    /// </summary>
    public bool IsLocalAddress(IPAddress address)
    {
        Span<byte> wanted = stackalloc byte[16];
        Span<byte> candidate = stackalloc byte[16];
        if (!address.TryWriteBytes(wanted, out int wantedLength))
        {
            return false;
        }
        foreach (InterfaceAddress iface in _interfaces)
        {
            if (!iface.Address.TryWriteBytes(candidate, out int length) || length != wantedLength)
            {
                continue;
            }
            int compared = length == 16 ? 8 : length;
            if (wanted[..compared].SequenceEqual(candidate[..compared]))
            {
                return true;
            }
        }
        return false;
    }

    public void OnMachineInfo(MachineInfo info) => Machine = info;

    public void OnInterface(InterfaceAddress address) => _interfaces.Add(address);

    public void OnUser(UserRecord user) => _users[user.Uid] = user;

    public void OnGroup(GroupRecord group) => _groups[group.Gid] = group;

    public void OnThread(ThreadRecord record)
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
            Cwd = record.Cwd.Length > 0 && !record.Cwd.EndsWith('/') ? record.Cwd + "/" : record.Cwd,
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
        StoreThread(thread);
        Containers.OnContainerProcess(thread.ContainerId);
        _snapshotLinked = false;
    }

    public void OnFd(FdRecord record)
    {
        ThreadInfo? thread = FindThread(record.Tid);
        if (thread is null)
        {
            return;
        }
        var fd = new FdInfo
        {
            Fd = record.Fd,
            Name = record.Name,
            NameRaw = record.Name,
            OpenFlags = record.OpenFlags,
            Dev = record.Dev,
            Ino = record.Ino,
            L4Proto = record.L4Proto,
            UnixSource = record.UnixSource,
            UnixDestination = record.UnixDestination,
        };
        switch (record.Type)
        {
            case ScapFdType.File:
            case ScapFdType.FileV2:
                fd.Kind = FdKind.File;
                break;
            case ScapFdType.Ipv4Socket:
            case ScapFdType.Ipv6Socket:
                fd.Kind = record.Type == ScapFdType.Ipv4Socket ? FdKind.Ipv4Socket : FdKind.Ipv6Socket;
                // FDL tuples are local → remote; OnSnapshotComplete orients them once all server ports are known.
                fd.ClientIp = record.SourceIp;
                fd.ClientPort = record.SourcePort;
                fd.ServerIp = record.DestinationIp;
                fd.ServerPort = record.DestinationPort;
                fd.IsConnected = record.L4Proto == FdInfo.L4Tcp;
                if (string.IsNullOrEmpty(fd.Name))
                {
                    fd.Name = $"{FormatAddress(record.SourceIp)}:{record.SourcePort}->{FormatAddress(record.DestinationIp)}:{record.DestinationPort}";
                }
                break;
            case ScapFdType.Ipv4ServerSocket:
            case ScapFdType.Ipv6ServerSocket:
                fd.Kind = record.Type == ScapFdType.Ipv4ServerSocket ? FdKind.Ipv4ServerSocket : FdKind.Ipv6ServerSocket;
                fd.ServerIp = record.SourceIp;
                fd.ServerPort = record.SourcePort;
                fd.Role = SocketRole.Server;
                _snapshotServerPorts.Add(record.SourcePort);
                if (string.IsNullOrEmpty(fd.Name))
                {
                    fd.Name = $"{FormatAddress(record.SourceIp)}:{record.SourcePort}";
                }
                break;
            case ScapFdType.UnixSocket:
                fd.Kind = FdKind.Unix;
                if (fd.Name.Length > 0)
                {
                    fd.Role = SocketRole.Server;
                }
                break;
            default:
                fd.Kind = MapScapFdType(record.Type);
                break;
        }
        FdTableOf(thread).Set(fd);
        _snapshotLinked = false;
    }

    public void OnSectionStart()
    {
        _threads.Clear();
        _firstThreadByPid.Clear();
        _users.Clear();
        _groups.Clear();
        _interfaces.Clear();
        _snapshotServerPorts.Clear();
        _lastEnter.Clear();
        _pendingThreadRemoval = -1;
        _pendingFdRemoval = null;
        Machine = null;
        _snapshotLinked = true;
    }

    public void OnSnapshotComplete() => LinkSnapshot();

    /// <summary>
    /// Attaches non-leader threads to their leader's fd table, counts children and orients FDL sockets
    /// (local → remote as read; flipped to client → server when the local port is a listening port).
    /// </summary>
    private void LinkSnapshot()
    {
        if (_snapshotLinked)
        {
            return;
        }
        _snapshotLinked = true;
        foreach (ThreadInfo thread in _threads.Values)
        {
            thread.ChildCount = 0;
        }
        foreach (ThreadInfo thread in _threads.Values)
        {
            if (!thread.IsMainThread && FindThread(thread.Pid) is { } leader && !ReferenceEquals(leader.Fds, thread.Fds))
            {
                foreach (FdInfo fd in thread.Fds.All)
                {
                    leader.Fds.Set(fd);
                }
                thread.Fds = leader.Fds;
            }
            if (thread.ParentTid >= 0 && thread.ParentTid != thread.Tid && FindThread(thread.ParentTid) is { } parent)
            {
                parent.ChildCount++;
            }
        }
        var seen = new HashSet<FdTable>(ReferenceEqualityComparer.Instance);
        foreach (ThreadInfo thread in _threads.Values)
        {
            if (!seen.Add(thread.Fds))
            {
                continue;
            }
            foreach (FdInfo fd in thread.Fds.All)
            {
                if (fd.Kind != FdKind.Ipv4Socket || fd.Role != SocketRole.None)
                {
                    continue;
                }
                if (_snapshotServerPorts.Contains(fd.ClientPort))
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
    }

    /// <summary>The fd table a thread's fds live in (the leader's for threads attached to one).</summary>
    private FdTable FdTableOf(ThreadInfo thread) => thread.Fds;

    private static string FormatAddress(IPAddress? address) => address?.ToString() ?? "0.0.0.0";

    private static FdKind MapScapFdType(ScapFdType type) => type switch
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
