using Falconet.Core.Events;
using Falconet.Core.Snapshot;

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

    public SystemState()
    {
        Context = new EventContext(this);
    }

    /// <summary>The context of the last processed event (reused).</summary>
    public EventContext Context { get; }

    public MachineInfo? Machine { get; private set; }

    public IReadOnlyDictionary<long, ThreadInfo> Threads => _threads;

    public IReadOnlyList<InterfaceAddress> Interfaces => _interfaces;

    public ThreadInfo? FindThread(long tid) => _threads.TryGetValue(tid, out ThreadInfo? t) ? t : null;

    public UserRecord? FindUser(uint uid) => _users.TryGetValue(uid, out UserRecord? u) ? u : null;

    public GroupRecord? FindGroup(uint gid) => _groups.TryGetValue(gid, out GroupRecord? g) ? g : null;

    public void OnMachineInfo(MachineInfo info) => Machine = info;

    public void OnInterface(InterfaceAddress address) => _interfaces.Add(address);

    public void OnUser(UserRecord user) => _users[user.Uid] = user;

    public void OnGroup(GroupRecord group) => _groups[group.Gid] = group;
}
