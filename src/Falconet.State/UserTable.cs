using Falconet.Core.Events;
using Falconet.Core.Snapshot;

namespace Falconet.State;

/// <summary>Users and groups by id: from the snapshot's user list, kept current by the user/group meta events.</summary>
public sealed class UserTable
{
    private readonly Dictionary<uint, UserRecord> _users = [];
    private readonly Dictionary<uint, GroupRecord> _groups = [];

    /// <summary>The user <paramref name="uid"/>, null when unknown.</summary>
    public UserRecord? FindUser(uint uid) => _users.TryGetValue(uid, out UserRecord? u) ? u : null;

    /// <summary>The group <paramref name="gid"/>, null when unknown.</summary>
    public GroupRecord? FindGroup(uint gid) => _groups.TryGetValue(gid, out GroupRecord? g) ? g : null;

    /// <summary>Every known user (for writing a capture's user list).</summary>
    public IReadOnlyCollection<UserRecord> Users => _users.Values;

    /// <summary>Every known group.</summary>
    public IReadOnlyCollection<GroupRecord> Groups => _groups.Values;

    internal void Add(UserRecord user) => _users[user.Uid] = user;

    internal void Add(GroupRecord group) => _groups[group.Gid] = group;

    internal void Clear()
    {
        _users.Clear();
        _groups.Clear();
    }

    /// <summary>useradded/userdeleted/groupadded/groupdeleted meta events.</summary>
    internal void Apply(ScapEvent evt, EventAction action, ParamReader reader)
    {
        uint uid = (uint)ParamReader.Int(evt, Param.Uid, 0);
        uint gid = (uint)ParamReader.Int(evt, Param.Gid, 0);
        switch (action)
        {
            case EventAction.UserAdded:
                Add(new UserRecord(uid, gid, reader.String(evt, Param.Name), reader.String(evt, Param.Home),
                    reader.String(evt, Param.Shell), reader.String(evt, Param.ContainerId)));
                break;
            case EventAction.UserDeleted:
                _users.Remove(uid);
                break;
            case EventAction.GroupAdded:
                Add(new GroupRecord(gid, reader.String(evt, Param.Name), reader.String(evt, Param.ContainerId)));
                break;
            case EventAction.GroupDeleted:
                _groups.Remove(gid);
                break;
        }
    }
}
