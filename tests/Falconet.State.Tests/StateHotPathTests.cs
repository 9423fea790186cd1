using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.State.Tests;

/// <summary>
/// The indexes and reuse that keep the per-event path cheap (threads by pid, pooled enter events, shared
/// args/env/cgroups arrays) must give the same state as the plain walks they replace.
/// </summary>
public sealed class StateHotPathTests
{
    private const long Leader = 200;
    private const long Other = 300;
    private const uint CloneThread = 0x2000;
    private static readonly string[] s_cgroups = ["cpu=/docker/3f1a9c0c0e5b4d2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f", "memory=/user.slice"];
    private ulong _ts = 1_000_000_000;

    private ulong Ts() => _ts += 1000;

    private static SystemState NewState()
    {
        var state = new SystemState();
        state.OnThread(new ThreadRecord { Tid = 1, Pid = 1, ParentTid = 0, Comm = "systemd", Exe = "/sbin/init", Cwd = "/" });
        foreach (long tid in (ReadOnlySpan<long>)[Leader, Other])
        {
            state.OnThread(new ThreadRecord
            {
                Tid = tid, Pid = tid, ParentTid = 1, Comm = "app", Exe = "app", Cwd = "/srv", Env = ["A=1", "B=2"], Cgroups = s_cgroups,
            });
        }
        state.OnFd(new FdRecord { Tid = Leader, Fd = 3, Type = ScapFdType.FileV2, Name = "/etc/hosts" });
        state.OnSnapshotComplete();
        return state;
    }

    /// <summary>clone exit (223) as <see cref="EventBuilder.CloneExit"/> builds it, with cgroups.</summary>
    private static ScapEvent CloneWithCgroups(ulong ts, long tid, long res, long childOrSelfTid, long pid, long ptid, string[] cgroups, uint flags = 0) =>
        EventBuilder.Create(223, ts, tid).Pid(res).CharBuf("app").NulList("app").Pid(childOrSelfTid).Pid(pid).Pid(ptid).CharBuf("")
            .Int64(1024).UInt64(0).UInt64(0).UInt32(0).UInt32(0).UInt32(0).CharBuf("app").NulList(cgroups)
            .UInt32(flags).UInt32(0).UInt32(0).Pid(childOrSelfTid).Pid(pid).UInt64(0).Build();

    [Fact]
    public void ExecveInASecondaryThreadRemovesEveryOtherThreadOfItsProcessOnly()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.CloneExit(Ts(), Leader, 201, "app", [], Leader, Leader, 1, "", "app", cloneFlags: CloneThread));
        state.Process(EventBuilder.CloneExit(Ts(), Leader, 202, "app", [], Leader, Leader, 1, "", "app", cloneFlags: CloneThread));
        state.Process(EventBuilder.CloneExit(Ts(), Other, 301, "app", [], Other, Other, 1, "", "app", cloneFlags: CloneThread));
        Assert.Equal(Leader, state.FindThread(202)!.Pid);

        Assert.True(state.Process(EventBuilder.ExecveExit(Ts(), 202, Leader, 1, "ls", [], "", "ls", "/bin/ls")));
        state.Process(EventBuilder.CloseExit(Ts(), 1, 99, res: -9)); // removals land before the next event

        Assert.Null(state.FindThread(Leader));
        Assert.Null(state.FindThread(201));
        Assert.Equal("ls", state.FindThread(202)!.Comm);
        Assert.NotNull(state.FindThread(Other));
        Assert.NotNull(state.FindThread(301));
    }

    [Fact]
    public void ExecveFindsThreadsOfAProcessWhoseLeaderGotItsPidFromAnEvent()
    {
        SystemState state = NewState();
        // An unknown tid is invented with pid -1; its execve gives it pid 500, and a thread cloned later joins it.
        state.Process(EventBuilder.OpenatExit(Ts(), 500, 5, "/tmp/x"));
        Assert.Equal(-1, state.FindThread(500)!.Pid);
        state.Process(EventBuilder.ExecveExit(Ts(), 500, 500, 1, "srv", [], "", "srv", "/usr/bin/srv"));
        Assert.Equal(500, state.FindThread(500)!.Pid);
        state.Process(EventBuilder.CloneExit(Ts(), 500, 501, "srv", [], 500, 500, 1, "", "srv", cloneFlags: CloneThread));
        Assert.Same(state.FindThread(500)!.Fds, state.FindThread(501)!.Fds);

        state.Process(EventBuilder.ExecveExit(Ts(), 501, 500, 1, "sh", [], "", "sh", "/bin/sh"));
        state.Process(EventBuilder.CloseExit(Ts(), 1, 99, res: -9));

        Assert.Null(state.FindThread(500));
        Assert.Equal("sh", state.FindThread(501)!.Comm);
    }

    [Fact]
    public void ExecveFollowsAThreadWhosePidChanged()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.CloneExit(Ts(), Leader, 201, "app", [], Leader, Leader, 1, "", "app", cloneFlags: CloneThread));
        // 201 reports a pid of its own in its execve: the threads removed are those of pid 201, not Leader's.
        state.Process(EventBuilder.ExecveExit(Ts(), 201, 201, 1, "a", [], "", "a", "/bin/a"));
        state.Process(EventBuilder.CloseExit(Ts(), 1, 99, res: -9));
        Assert.NotNull(state.FindThread(Leader));
        Assert.Equal(201, state.FindThread(201)!.Pid);
        // ...and it now counts among pid 201's threads: a thread cloned into 201 that execs removes it.
        state.Process(EventBuilder.CloneExit(Ts(), 201, 202, "a", [], 201, 201, 1, "", "a", cloneFlags: CloneThread));
        state.Process(EventBuilder.ExecveExit(Ts(), 202, 201, 1, "c", [], "", "c", "/bin/c"));
        state.Process(EventBuilder.CloseExit(Ts(), 1, 99, res: -9));
        Assert.Null(state.FindThread(201));
        Assert.NotNull(state.FindThread(Leader));

        SystemState fresh = NewState();
        fresh.Process(EventBuilder.CloneExit(Ts(), Leader, 201, "app", [], Leader, Leader, 1, "", "app"));
        fresh.Process(EventBuilder.ExecveExit(Ts(), Leader, Leader, 1, "b", [], "", "b", "/bin/b"));
        fresh.Process(EventBuilder.CloseExit(Ts(), 1, 99, res: -9));
        Assert.NotNull(fresh.FindThread(201)); // a forked child is its own process and survives the parent's exec
        Assert.Equal("b", fresh.FindThread(Leader)!.Comm);
    }

    [Fact]
    public void ACloneWithItsParentsCgroupsSharesThemAndTheContainerId()
    {
        SystemState state = NewState();
        ThreadInfo parent = state.FindThread(Leader)!;
        state.Process(CloneWithCgroups(Ts(), Leader, 210, Leader, Leader, 1, s_cgroups));
        ThreadInfo child = state.FindThread(210)!;
        Assert.Same(parent.Cgroups, child.Cgroups);
        Assert.Equal("3f1a9c0c0e5b", child.ContainerId);
        Assert.Equal(parent.ContainerFullId, child.ContainerFullId);

        state.Process(CloneWithCgroups(Ts(), Leader, 211, Leader, Leader, 1, ["cpu=/"]));
        ThreadInfo other = state.FindThread(211)!;
        Assert.Equal(["cpu=/"], other.Cgroups);
        Assert.Equal("", other.ContainerId);
    }

    [Fact]
    public void ExecveKeepsTheEnvArrayWhenUnchangedAndReplacesItWhenNot()
    {
        SystemState state = NewState();
        ThreadInfo thread = state.FindThread(Leader)!;
        string[] before = thread.Env;
        state.Process(EventBuilder.ExecveExit(Ts(), Leader, Leader, 1, "x", ["1"], "", "x", "/bin/x", env: ["A=1", "B=2"]));
        Assert.Same(before, thread.Env);

        state.Process(EventBuilder.ExecveExit(Ts(), Leader, Leader, 1, "x", ["1"], "", "x", "/bin/x", env: ["A=1", "B=3"]));
        Assert.Equal(["A=1", "B=3"], thread.Env);
        state.Process(EventBuilder.ExecveExit(Ts(), Leader, Leader, 1, "x", ["1"], "", "x", "/bin/x", env: ["A=1"]));
        Assert.Equal(["A=1"], thread.Env);
        state.Process(EventBuilder.ExecveExit(Ts(), Leader, Leader, 1, "x", ["1"], "", "x", "/bin/x", env: ["A=1", "B=2", "C=é"]));
        Assert.Equal(["A=1", "B=2", "C=é"], thread.Env);
        Assert.Equal(["1"], thread.Args);
    }

    [Fact]
    public void TwoRunsOfTheSameCommandLineShareOneArgsArray()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.ExecveExit(Ts(), Leader, Leader, 1, "curl", ["-s", "http://x"], "", "curl", "/usr/bin/curl"));
        state.Process(EventBuilder.ExecveExit(Ts(), Other, Other, 1, "curl", ["-s", "http://x"], "", "curl", "/usr/bin/curl"));
        Assert.Same(state.FindThread(Leader)!.Args, state.FindThread(Other)!.Args);
        Assert.Same(state.FindThread(Leader)!.ExePath, state.FindThread(Other)!.ExePath);

        state.Process(EventBuilder.ExecveExit(Ts(), Other, Other, 1, "curl", ["-s", "http://y"], "", "curl", "/usr/bin/curl"));
        Assert.Equal(["-s", "http://x"], state.FindThread(Leader)!.Args);
        Assert.Equal(["-s", "http://y"], state.FindThread(Other)!.Args);
        state.Process(EventBuilder.ExecveExit(Ts(), Other, Other, 1, "curl", ["-s"], "", "curl", "/usr/bin/curl"));
        Assert.Equal(["-s"], state.FindThread(Other)!.Args);
    }

    [Fact]
    public void SocketsToTheSamePeerShareOneAddressObjectAndKeepTheirOwnNames()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.SocketExit(Ts(), Leader, 7));
        state.Process(EventBuilder.ConnectExitV4(Ts(), Leader, 7, "10.0.0.5", 40000, "93.184.216.34", 443));
        state.Process(EventBuilder.SocketExit(Ts(), Leader, 8));
        state.Process(EventBuilder.ConnectExitV4(Ts(), Leader, 8, "10.0.0.5", 40001, "93.184.216.34", 443));
        FdInfo first = state.FindThread(Leader)!.Fds.Find(7)!;
        FdInfo second = state.FindThread(Leader)!.Fds.Find(8)!;
        Assert.Equal("10.0.0.5:40000->93.184.216.34:443", first.Name);
        Assert.Equal("10.0.0.5:40001->93.184.216.34:443", second.Name);
        Assert.Same(first.ServerIp, second.ServerIp);

        state.Process(EventBuilder.SocketExit(Ts(), Leader, 9));
        state.Process(EventBuilder.ConnectExitV4(Ts(), Leader, 9, "10.0.0.5", 40002, "1.1.1.1", 53));
        Assert.Equal("1.1.1.1", state.FindThread(Leader)!.Fds.Find(9)!.ServerIp!.ToString());
    }

    [Fact]
    public void ShortLivedThreadsReuseStoredEnterEventsOnceWarm()
    {
        SystemState state = NewState();
        // One round: a child is forked, makes a syscall (its enter event is stored), and exits.
        ScapEvent[] round =
        [
            EventBuilder.CloneExit(Ts(), Other, 400, "app", [], Other, Other, 1, "", "app"),
            EventBuilder.ConnectEnterV4(Ts(), 400, 3, "1.2.3.4", 80),
            EventBuilder.ProcExit(Ts(), 400, reaperTid: 1),
            EventBuilder.CloseExit(Ts(), 1, 99, res: -9),
        ];
        void Run(int rounds)
        {
            for (int r = 0; r < rounds; r++)
            {
                foreach (ScapEvent evt in round)
                {
                    state.Process(evt);
                }
            }
        }
        Run(20);
        Assert.Null(state.FindThread(400));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(100);
        long perRound = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        // A new ThreadInfo and fd table per fork are inherent; a fresh stored enter event (4 KB buffer) is not.
        Assert.True(perRound < 2048, $"{perRound} bytes per fork/syscall/exit round");
    }

    [Fact]
    public void OpeningTheSameFileAgainAllocatesOnlyTheFdAfterWarmUp()
    {
        SystemState state = NewState();
        ScapEvent open = EventBuilder.OpenatExit(Ts(), Leader, 9, "/etc/ssl/certs/ca-certificates.crt");
        ScapEvent close = EventBuilder.CloseExit(Ts(), Leader, 9);
        ScapEvent next = EventBuilder.CloseExit(Ts(), 1, 99, res: -9);
        for (int i = 0; i < 10; i++)
        {
            state.Process(open);
            state.Process(close);
            state.Process(next);
        }
        string name = state.FindThread(Leader)!.Fds.Find(9) is null ? "" : "still open";
        Assert.Equal("", name);
        state.Process(open);
        string firstName = state.FindThread(Leader)!.Fds.Find(9)!.NameRaw;
        state.Process(close);
        state.Process(next);
        state.Process(open);
        Assert.Same(firstName, state.FindThread(Leader)!.Fds.Find(9)!.NameRaw);
        Assert.Equal("/etc/ssl/certs/ca-certificates.crt", state.FindThread(Leader)!.Fds.Find(9)!.Name);
    }
}
