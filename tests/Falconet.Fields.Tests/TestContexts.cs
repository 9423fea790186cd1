using System.Reflection;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.State;

namespace Falconet.Fields.Tests;

/// <summary>
/// Builds an <see cref="EventContext"/> around a synthetic event without running the state engine: the context's
/// setters are internal to Falconet.State, so they are set through reflection (test-only).
/// </summary>
internal static class TestContexts
{
    public static EventContext For(ScapEvent evt, ThreadInfo? thread = null, FdInfo? fd = null, SystemState? state = null)
    {
        state ??= new SystemState();
        var context = new EventContext(state);
        Set(context, nameof(EventContext.Event), evt);
        Set(context, nameof(EventContext.Thread), thread);
        Set(context, nameof(EventContext.Fd), fd);
        if (fd is not null)
        {
            Set(context, nameof(EventContext.FdNumber), fd.Fd);
        }
        return context;
    }

    public static ThreadInfo Thread(long tid = 100, string comm = "cat", string cwd = "/home/user/")
    {
        return new ThreadInfo(tid) { Pid = tid, Comm = comm, Cwd = cwd, Uid = 0, Gid = 0 };
    }

    public static FdInfo FileFd(long fd, string name) => new() { Fd = fd, Kind = FdKind.File, Name = name };

    public static FdInfo TcpFd(long fd, string name) => new() { Fd = fd, Kind = FdKind.Ipv4Socket, Name = name, L4Proto = 2 };

    public static SystemState StateWithUsers()
    {
        var state = new SystemState();
        state.OnUser(new UserRecord(0, 0, "root", "/root", "/bin/bash"));
        state.OnUser(new UserRecord(65534, 65534, "nobody", "/", "/bin/false"));
        state.OnGroup(new GroupRecord(0, "root"));
        return state;
    }

    private static void Set(EventContext context, string property, object? value)
    {
        PropertyInfo info = typeof(EventContext).GetProperty(property)!;
        info.GetSetMethod(nonPublic: true)!.Invoke(context, [value]);
    }
}
