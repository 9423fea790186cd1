using Falconet.Core.Snapshot;
using Falconet.Scap;

namespace Falconet.State.Tests;

/// <summary>The threads-by-process index of <see cref="ThreadTable"/>, kept by clone, execve and procexit.</summary>
public sealed class ThreadTableTests
{
    private const long Shell = 100;
    private const uint CloneThread = 0x2000;
    private ulong _ts = 1_000_000_000;

    private ulong Ts() => _ts += 1000;

    private static SystemState NewState()
    {
        var state = new SystemState();
        state.OnThread(new ThreadRecord { Tid = 1, Pid = 1, ParentTid = 0, Comm = "systemd", Exe = "/sbin/init", Cwd = "/" });
        state.OnThread(new ThreadRecord { Tid = Shell, Pid = Shell, ParentTid = 1, Comm = "bash", Exe = "bash", Cwd = "/" });
        state.OnSnapshotComplete();
        return state;
    }

    private static long[] TidsOf(SystemState state, long pid)
    {
        var tids = new List<long>();
        foreach (ThreadInfo t in state.ThreadsOf(pid))
        {
            Assert.Equal(pid, t.Pid);
            tids.Add(t.Tid);
        }
        tids.Sort();
        return [.. tids];
    }

    private void SpawnThread(SystemState state, long tid) =>
        state.Process(EventBuilder.CloneExit(Ts(), Shell, tid, "bash", [], Shell, Shell, 1, "", "bash", cloneFlags: CloneThread));

    [Fact]
    public void ThreadsOfListsTheThreadsCloneAddsAndNotForkedChildren()
    {
        SystemState state = NewState();
        SpawnThread(state, 101);
        SpawnThread(state, 102);
        state.Process(EventBuilder.CloneExit(Ts(), Shell, 200, "bash", [], Shell, Shell, 1, "", "bash"));

        Assert.Equal([Shell, 101, 102], TidsOf(state, Shell));
        Assert.Equal(3, state.ThreadCount(Shell));
        Assert.Equal([200], TidsOf(state, 200));
        Assert.Equal(0, state.ThreadCount(999));
        Assert.Empty(TidsOf(state, 999));
    }

    [Fact]
    public void ProcExitTakesTheThreadOutOfItsProcessAfterTheEvent()
    {
        SystemState state = NewState();
        SpawnThread(state, 101);
        SpawnThread(state, 102);
        state.Process(EventBuilder.ProcExit(Ts(), 101));
        Assert.Equal(3, state.ThreadCount(Shell)); // still visible to the procexit event itself

        state.Process(EventBuilder.ReadExit(Ts(), Shell, 0, "x"));
        Assert.Equal([Shell, 102], TidsOf(state, Shell));
    }

    [Fact]
    public void ExecveLeavesOnlyTheExecingThreadInItsProcess()
    {
        SystemState state = NewState();
        SpawnThread(state, 101);
        SpawnThread(state, 102);
        state.Process(EventBuilder.ExecveExit(Ts(), 102, Shell, 1, "ls", [], "", "ls", "/bin/ls"));

        Assert.Equal([102], TidsOf(state, Shell));
        Assert.Null(state.FindThread(101));
        Assert.Null(state.FindThread(Shell));
    }

    [Fact]
    public void ExecveWithANewPidMovesTheThreadToThatProcess()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.OpenatExit(Ts(), 300, 3, "/etc/hosts")); // invented thread, pid -1
        Assert.Equal([300], TidsOf(state, -1));

        state.Process(EventBuilder.ExecveExit(Ts(), 300, 300, Shell, "ls", [], "", "ls", "/bin/ls"));
        Assert.Empty(TidsOf(state, -1));
        Assert.Equal([300], TidsOf(state, 300));
    }

    [Fact]
    public void SectionStartEmptiesTheIndex()
    {
        SystemState state = NewState();
        SpawnThread(state, 101);
        state.OnSectionStart();
        Assert.Empty(TidsOf(state, Shell));
        Assert.Equal(0, state.ThreadTable.Count);
    }

    [Fact]
    public void ExecveDropsTheThreadsFieldCache()
    {
        SystemState state = NewState();
        ThreadInfo shell = state.FindThread(Shell)!;
        TestCache cache = shell.CacheOf<TestCache>();
        Assert.Same(cache, shell.CacheOf<TestCache>());

        state.Process(EventBuilder.ExecveExit(Ts(), Shell, Shell, 1, "ls", [], "", "ls", "/bin/ls"));
        Assert.NotSame(cache, shell.CacheOf<TestCache>());
    }

    private sealed class TestCache : ThreadFieldCache
    {
    }

    [Fact]
    public void FindNeverReturnsAThreadTheTableNoLongerHolds()
    {
        // Find remembers the last thread it found; every change of the table must forget it.
        var table = new ThreadTable();
        var first = new ThreadInfo(42) { Pid = 42 };
        table.Store(first);
        Assert.Same(first, table.Find(42));
        Assert.Same(first, table.Find(42));
        var replacement = new ThreadInfo(42) { Pid = 42 };
        table.Store(replacement);
        Assert.Same(replacement, table.Find(42));
        Assert.True(table.Remove(42, reaperTid: 0));
        Assert.Null(table.Find(42));
        table.Store(first);
        Assert.Same(first, table.Find(42));
        table.Clear();
        Assert.Null(table.Find(42));
        Assert.Null(table.Find(0));
    }
}
