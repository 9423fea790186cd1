using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.State;
using Falconet.TestKit;

namespace Falconet.State.Tests;

/// <summary>
/// SnapshotExporter is SnapshotLoader's inverse: the state exported mid-stream and loaded again gives the same
/// threads, fds and users, so a file that starts mid-stream (filtered, rotated, triggered) resolves the same values.
/// </summary>
public sealed class SnapshotExporterTests
{
    private static string Describe(SystemState state) => string.Join('\n',
        state.Threads.Values.Where(t => !t.IsInvented).OrderBy(t => t.Tid).Select(t =>
            $"{t.Tid}/{t.Pid}/{t.ParentTid} {t.Comm} {t.Exe} {t.ExePath} [{string.Join(' ', t.Args)}] {t.Cwd} {t.Uid}:{t.Gid} "
            + $"login={t.LoginUid} vtid={t.Vtid} sid={t.Sid} root={t.Root} env={t.Env.Length} cg={string.Join(',', t.Cgroups)} ctr={t.ContainerId} "
            + $"user={state.FindUser(t.Uid)?.Name} fds=[{string.Join(", ", t.Fds.All.OrderBy(f => f.Fd).Select(f => $"{f.Fd}:{f.Kind}:{f.Name}:{f.ClientIp}:{f.ClientPort}:{f.ServerIp}:{f.ServerPort}:{f.Role}"))}]"));

    [Theory]
    [InlineData("curl_google", 600)]
    [InlineData("connect_localhost", 200)]
    [InlineData("open-multiple-files", 900)]
    public void State_exported_mid_stream_loads_back_the_same(string capture, int events)
    {
        SharedData.SkipIfAbsent();
        var state = new SystemState();
        using (ScapReader reader = ScapReader.Open(SharedData.Capture(capture)))
        {
            reader.ReadHeader(state);
            var evt = new ScapEvent();
            for (int i = 0; i < events && reader.TryReadEvent(evt); i++)
            {
                state.Process(evt);
            }
        }
        var snapshot = new ScapSnapshot();
        SnapshotExporter.Export(state, snapshot);
        // SystemState is itself a snapshot sink: the records go straight into a fresh state.
        var again = new SystemState();
        SnapshotExporter.Export(state, again);

        Assert.NotEmpty(snapshot.Threads);
        Assert.Equal(Describe(state), Describe(again));
    }

    [Fact]
    public void A_thread_filter_limits_threads_fds_and_users()
    {
        var state = new SystemState();
        state.OnUser(new UserRecord(0, 0, "root", "/root", "/bin/bash"));
        state.OnUser(new UserRecord(1000, 1000, "alice", "/home/alice", "/bin/sh"));
        state.OnGroup(new GroupRecord(0, "root"));
        state.OnGroup(new GroupRecord(1000, "alice"));
        state.OnThread(new ThreadRecord { Tid = 1, Pid = 1, Comm = "init", Uid = 0, Gid = 0 });
        state.OnThread(new ThreadRecord { Tid = 50, Pid = 50, ParentTid = 1, Comm = "sh", Uid = 1000, Gid = 1000 });
        state.OnFd(new FdRecord { Tid = 1, Fd = 3, Type = ScapFdType.FileV2, Name = "/var/log/x" });
        state.OnFd(new FdRecord { Tid = 50, Fd = 4, Type = ScapFdType.Memfd, Name = "memfd:y" });
        state.OnSnapshotComplete();

        var snapshot = new ScapSnapshot();
        SnapshotExporter.Export(state, snapshot, t => t.Tid == 50);

        Assert.Equal([50L], snapshot.Threads.Select(t => t.Tid));
        Assert.Equal(["alice"], snapshot.Users.Select(u => u.Name));
        Assert.Equal(["alice"], snapshot.Groups.Select(g => g.Name));
        FdRecord fd = Assert.Single(snapshot.Fds);
        // Types newer than FILE_V2 make sysdig 0.29.3 refuse the file: they go out as "unsupported", with the name.
        Assert.Equal((ScapFdType.Unsupported, "memfd:y"), (fd.Type, fd.Name));
    }
}
