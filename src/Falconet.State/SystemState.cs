using System.Net;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.Dns;
using Falconet.State.Containers;

namespace Falconet.State;

/// <summary>
/// The state engine (libsinsp's parsers and tables): takes the snapshot from a capture's header blocks
/// or a /proc scan, then every event, and keeps threads, fds, users and groups current. A façade over its parts:
/// the tables (<see cref="ThreadTable"/>, <see cref="UserTable"/>, <see cref="InterfaceTable"/>,
/// <see cref="ContainerTable"/>), the <see cref="SnapshotLoader"/>, and the event dispatcher with its parsers.
/// It is itself the snapshot sink, handing every block to its loader.
/// </summary>
public sealed class SystemState : ISnapshotSink
{
    private readonly EventDispatcher _dispatcher;
    private readonly FdEventParser _fdEvents;
    private readonly DnsTrafficObserver _dnsTraffic;

    /// <summary>An empty state, ready for a snapshot and events, with the default DNS store.</summary>
    public SystemState()
        : this(new DnsStoreOptions())
    {
    }

    /// <summary>An empty state whose DNS store has <paramref name="dnsOptions"/> (bound, mode).</summary>
    public SystemState(DnsStoreOptions dnsOptions)
    {
        Dns = new DnsObservationStore(dnsOptions);
        _dnsTraffic = new DnsTrafficObserver(Dns);
        Context = new EventContext(this);
        var reader = new ParamReader();
        var converter = new LayoutUpConverter();
        var threadEvents = new ThreadEventParser(ThreadTable, reader, converter);
        _fdEvents = new FdEventParser(ThreadTable, InterfaceTable, reader);
        Snapshot = new SnapshotLoader(ThreadTable, UserTable, InterfaceTable, Containers, () =>
        {
            converter.Clear();
            threadEvents.Clear();
            _fdEvents.Clear();
        });
        _dispatcher = new EventDispatcher(Context, UserTable, Containers, Snapshot, converter, threadEvents, _fdEvents, _dnsTraffic, reader);
    }

    /// <summary>The context of the last processed event (reused).</summary>
    public EventContext Context { get; }

    /// <summary>Every thread, with the threads-by-process index.</summary>
    public ThreadTable ThreadTable { get; } = new();

    /// <summary>Users and groups.</summary>
    public UserTable UserTable { get; } = new();

    /// <summary>The machine's interface addresses.</summary>
    public InterfaceTable InterfaceTable { get; } = new();

    /// <summary>Container metadata by container id (the container plugin's cache).</summary>
    public ContainerTable Containers { get; } = new();

    /// <summary>
    /// The names of addresses, per workload (container id; the host is <see cref="DnsObservationStore.HostScope"/>),
    /// from the DNS answers processes received, and from the background resolver: never resolved on the event path.
    /// </summary>
    public DnsObservationStore Dns { get; }

    /// <summary>A process whose DNS traffic is not observed (Falconet itself, live); -1 for none.</summary>
    public long DnsIgnoredProcessId
    {
        get => _dnsTraffic.IgnoredProcessId;
        set => _dnsTraffic.IgnoredProcessId = value;
    }

    /// <summary>Where the snapshot goes: capture header blocks and the /proc scan both deliver to this loader.</summary>
    public SnapshotLoader Snapshot { get; }

    /// <summary>The machine block of the snapshot, null before one is read.</summary>
    public MachineInfo? Machine => Snapshot.Machine;

    /// <summary>Every thread by tid.</summary>
    public IReadOnlyDictionary<long, ThreadInfo> Threads => ThreadTable.All;

    /// <summary>The machine's interface addresses.</summary>
    public IReadOnlyList<InterfaceAddress> Interfaces => InterfaceTable.All;

    /// <summary>
    /// Parses one event into the state and fills <see cref="Context"/>. Renumbers the event
    /// (<see cref="ScapEvent.Number"/>) the way Falco counts <c>evt.num</c>: only events that reach libsinsp's parser.
    /// Returns true when rules should see it: exit and meta events that are not state-only
    /// (enter events feed state only, as in current Falco).
    /// </summary>
    public bool Process(ScapEvent evt) => _dispatcher.Process(evt);

    /// <summary>
    /// The timestamp of the first event past the snapshot (procinfo) and container events, the origin of
    /// <c>evt.reltime</c>; 0 until that event (events before it count from 0, as in libsinsp).
    /// </summary>
    public ulong FirstEventTimestamp => _dispatcher.FirstEventTimestamp;

    /// <summary>The thread <paramref name="tid"/>, null when unknown.</summary>
    public ThreadInfo? FindThread(long tid) => ThreadTable.Find(tid);

    /// <summary>The main thread (thread-group leader) of <paramref name="thread"/>, itself for a main thread; null when unknown.</summary>
    public ThreadInfo? FindMainThread(ThreadInfo thread) => ThreadTable.FindMainThread(thread);

    /// <summary>The parent of <paramref name="thread"/>'s process (through its main thread), null when unknown.</summary>
    public ThreadInfo? FindParent(ThreadInfo thread) => ThreadTable.FindParent(thread);

    /// <summary>The threads of process <paramref name="pid"/>, from the index (no walk over every thread).</summary>
    public ProcessThreads ThreadsOf(long pid) => ThreadTable.ThreadsOf(pid);

    /// <summary>How many threads process <paramref name="pid"/> has.</summary>
    public int ThreadCount(long pid) => ThreadTable.ThreadCount(pid);

    /// <summary>The user <paramref name="uid"/>, null when unknown.</summary>
    public UserRecord? FindUser(uint uid) => UserTable.FindUser(uid);

    /// <summary>The group <paramref name="gid"/>, null when unknown.</summary>
    public GroupRecord? FindGroup(uint gid) => UserTable.FindGroup(gid);

    /// <summary>Whether <paramref name="address"/> belongs to this machine (see <see cref="InterfaceTable.IsLocal"/>).</summary>
    public bool IsLocalAddress(IPAddress address) => InterfaceTable.IsLocal(address);

    /// <summary>The working directory libsinsp resolves a thread's relative paths against (the main thread's; "./" when unknown).</summary>
    public string CwdOf(ThreadInfo thread) => ThreadTable.CwdOf(thread);

    /// <summary>
    /// Makes a syscall path absolute: against the thread's cwd when <paramref name="dirFd"/> is AT_FDCWD (-100)
    /// or the path is absolute, else against the directory fd's name.
    /// </summary>
    public string ResolvePath(ThreadInfo thread, long dirFd, string raw) => _fdEvents.ResolvePath(thread, dirFd, raw);

    /// <inheritdoc />
    public void OnMachineInfo(MachineInfo info) => Snapshot.OnMachineInfo(info);

    /// <inheritdoc />
    public void OnInterface(InterfaceAddress address) => Snapshot.OnInterface(address);

    /// <inheritdoc />
    public void OnUser(UserRecord user) => Snapshot.OnUser(user);

    /// <inheritdoc />
    public void OnGroup(GroupRecord group) => Snapshot.OnGroup(group);

    /// <inheritdoc />
    public void OnThread(ThreadRecord thread) => Snapshot.OnThread(thread);

    /// <inheritdoc />
    public void OnFd(FdRecord fd) => Snapshot.OnFd(fd);

    /// <inheritdoc />
    public void OnSectionStart() => Snapshot.OnSectionStart();

    /// <inheritdoc />
    public void OnSnapshotComplete() => Snapshot.OnSnapshotComplete();
}
