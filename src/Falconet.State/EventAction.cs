using Falconet.Core.Events;

namespace Falconet.State;

/// <summary>What the state engine does with an event type (all layouts of one syscall share it).</summary>
internal enum EventAction : byte
{
    None = 0,
    Clone,
    Execve,
    Execveat,
    ProcExit,
    Open,
    Creat,
    Socket,
    Bind,
    Connect,
    Accept,
    Close,
    Dup,
    Dup3,
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
    ProcInfo,
}

/// <summary>
/// Per-event-type tables built once from the event table: the action, the kind of fd a one-fd syscall creates,
/// and a number per syscall name, so nothing on the event path compares names.
/// </summary>
internal static class EventActions
{
    private static readonly EventAction[] s_actions = ByName<EventAction>(
        (EventAction.Clone, ["clone", "fork", "vfork", "clone3"]),
        (EventAction.Execve, ["execve"]),
        (EventAction.Execveat, ["execveat"]),
        (EventAction.ProcExit, ["procexit"]),
        (EventAction.Open, ["open", "openat", "openat2"]),
        (EventAction.Creat, ["creat"]),
        (EventAction.Socket, ["socket"]),
        (EventAction.Bind, ["bind"]),
        (EventAction.Connect, ["connect"]),
        (EventAction.Accept, ["accept", "accept4"]),
        (EventAction.Close, ["close"]),
        (EventAction.Dup, ["dup", "dup2"]),
        (EventAction.Dup3, ["dup3"]),
        (EventAction.Pipe, ["pipe", "pipe2"]),
        (EventAction.SocketPair, ["socketpair"]),
        (EventAction.SimpleFd, ["eventfd", "eventfd2", "signalfd", "signalfd4", "inotify_init", "inotify_init1", "timerfd_create",
            "epoll_create", "epoll_create1", "userfaultfd", "io_uring_setup", "memfd_create", "pidfd_open", "pidfd_getfd", "bpf"]),
        (EventAction.ReadWrite, ["read", "write", "readv", "writev", "pread", "pwrite", "preadv", "pwritev"]),
        (EventAction.SendTuple, ["send", "sendto", "sendmsg", "sendmmsg"]),
        (EventAction.RecvTuple, ["recv", "recvfrom", "recvmsg", "recvmmsg"]),
        (EventAction.Chdir, ["chdir"]),
        (EventAction.Fchdir, ["fchdir"]),
        (EventAction.SetUid, ["setuid"]),
        (EventAction.SetGid, ["setgid"]),
        (EventAction.SetResUid, ["setresuid"]),
        (EventAction.SetResGid, ["setresgid"]),
        (EventAction.UserAdded, ["useradded"]),
        (EventAction.UserDeleted, ["userdeleted"]),
        (EventAction.GroupAdded, ["groupadded"]),
        (EventAction.GroupDeleted, ["groupdeleted"]),
        (EventAction.ProcInfo, ["procinfo"]));

    private static readonly FdKind[] s_simpleFdKinds = ByName<FdKind>(
        (FdKind.Event, ["eventfd", "eventfd2"]),
        (FdKind.SignalFd, ["signalfd", "signalfd4"]),
        (FdKind.Inotify, ["inotify_init", "inotify_init1"]),
        (FdKind.TimerFd, ["timerfd_create"]),
        (FdKind.EventPoll, ["epoll_create", "epoll_create1"]),
        (FdKind.UserFaultFd, ["userfaultfd"]),
        (FdKind.IoUring, ["io_uring_setup"]),
        (FdKind.Memfd, ["memfd_create"]),
        (FdKind.PidFd, ["pidfd_open", "pidfd_getfd"]),
        (FdKind.Bpf, ["bpf"]));

    // The receives whose payload can carry a DNS answer: what resolvers read from port-53 sockets (glibc recvfrom,
    // Go's and glibc-over-TCP read, musl recvmsg/recvmmsg, readv).
    private static readonly bool[] s_receives = ByName<bool>(
        (true, ["read", "readv", "pread", "preadv", "recv", "recvfrom", "recvmsg", "recvmmsg"]));

    private static readonly int[] s_nameKeys = BuildNameKeys();

    /// <summary>What the state engine does with event type <paramref name="type"/>.</summary>
    public static EventAction Of(ushort type) => s_actions[type];

    /// <summary>The kind of fd a <see cref="EventAction.SimpleFd"/> syscall creates.</summary>
    public static FdKind SimpleFdKind(ushort type) => s_simpleFdKinds[type];

    /// <summary>Whether event type <paramref name="type"/> receives data into the process (its payload may be a DNS answer).</summary>
    public static bool IsReceive(ushort type) => s_receives[type];

    /// <summary>Whether two event types belong to the same syscall (or meta event) name.</summary>
    public static bool SameName(ushort a, ushort b) => s_nameKeys[a] == s_nameKeys[b];

    private static T[] ByName<T>(params (T Value, string[] Names)[] entries)
    {
        var table = new T[EventTable.All.Count];
        foreach ((T value, string[] names) in entries)
        {
            foreach (string name in names)
            {
                foreach (ushort id in EventTable.IdsByName(name))
                {
                    table[id] = value;
                }
            }
        }
        return table;
    }

    private static int[] BuildNameKeys()
    {
        var keys = new int[EventTable.All.Count];
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < keys.Length; id++)
        {
            string name = EventTable.Get(id).Name;
            if (!byName.TryGetValue(name, out int key))
            {
                key = byName.Count;
                byName[name] = key;
            }
            keys[id] = key;
        }
        return keys;
    }
}
