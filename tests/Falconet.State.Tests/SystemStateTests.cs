using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.State;

namespace Falconet.State.Tests;

/// <summary>Synthetic event sequences through the state engine: threads, fds, sockets and old-layout conversion.</summary>
public sealed class SystemStateTests
{
    private const long Shell = 100;
    private ulong _ts = 1_000_000_000;

    private ulong Ts() => _ts += 1000;

    private static SystemState NewState()
    {
        var state = new SystemState();
        state.OnInterface(new InterfaceAddress("lo", System.Net.IPAddress.Loopback, System.Net.IPAddress.Parse("255.0.0.0"), System.Net.IPAddress.Any, 0));
        state.OnInterface(new InterfaceAddress("eth0", System.Net.IPAddress.Parse("10.0.0.5"), System.Net.IPAddress.Parse("255.255.255.0"), System.Net.IPAddress.Any, 0));
        state.OnThread(new ThreadRecord { Tid = 1, Pid = 1, ParentTid = 0, Comm = "systemd", Exe = "/sbin/init", Cwd = "/" });
        state.OnThread(new ThreadRecord
        {
            Tid = Shell, Pid = Shell, ParentTid = 1, Comm = "bash", Exe = "bash", Cwd = "/home/user", Uid = 1000, Gid = 1000, LoginUid = 1000,
            Env = ["HOME=/home/user"], Cgroups = ["cpu=/docker/3f1a9c0c0e5b4d2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f"],
        });
        state.OnFd(new FdRecord { Tid = Shell, Fd = 3, Type = ScapFdType.FileV2, Name = "/etc/passwd" });
        state.OnSnapshotComplete();
        return state;
    }

    [Fact]
    public void SnapshotThreadsGetTrailingSlashCwdAndContainerId()
    {
        SystemState state = NewState();
        ThreadInfo shell = state.FindThread(Shell)!;
        Assert.Equal("/home/user/", shell.Cwd);
        Assert.Equal("3f1a9c0c0e5b", shell.ContainerId);
        Assert.Equal("", state.FindThread(1)!.ContainerId);
    }

    [Fact]
    public void CloneParentReportCreatesChildWithCopiedFdsAndChildReportKeepsIt()
    {
        SystemState state = NewState();
        Assert.True(state.Process(EventBuilder.CloneExit(Ts(), Shell, 101, "bash", [], Shell, Shell, 1, "", "bash", uid: 1000, gid: 1000)));
        ThreadInfo child = state.FindThread(101)!;
        Assert.Equal(101, child.Pid);
        Assert.Equal(Shell, child.ParentTid);
        Assert.Equal("/home/user/", child.Cwd);
        Assert.Equal(1000u, child.LoginUid);
        Assert.NotSame(state.FindThread(Shell)!.Fds, child.Fds);
        Assert.Equal("/etc/passwd", child.Fds.Find(3)!.Name);

        Assert.True(state.Process(EventBuilder.CloneExit(Ts(), 101, 0, "bash", [], 101, 101, Shell, "", "bash")));
        Assert.Same(child, state.FindThread(101));
        Assert.Same(child, state.Context.Thread);
    }

    [Fact]
    public void CloneChildReportFirstCreatesTheChild()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.CloneExit(Ts(), 102, 0, "bash", ["-c", "ls"], 102, 102, Shell, "", "bash", uid: 1000));
        ThreadInfo child = state.FindThread(102)!;
        Assert.Same(child, state.Context.Thread);
        Assert.Equal(Shell, child.ParentTid);
        Assert.Equal(["-c", "ls"], child.Args);
        state.Process(EventBuilder.CloneExit(Ts(), Shell, 102, "bash", [], Shell, Shell, 1, "", "bash"));
        Assert.Same(child, state.FindThread(102));
    }

    [Fact]
    public void CloneThreadSharesTheLeadersFdTable()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.CloneExit(Ts(), Shell, 103, "bash", [], Shell, Shell, 1, "", "bash", cloneFlags: 0x2000));
        ThreadInfo thread = state.FindThread(103)!;
        Assert.Equal(Shell, thread.Pid);
        Assert.Same(state.FindThread(Shell)!.Fds, thread.Fds);
        Assert.False(thread.IsMainThread);
    }

    [Fact]
    public void ExecveReplacesTheProgramAndClosesCloexecFds()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.OpenatExit(Ts(), Shell, 4, "secret", flags: 1 | 4096));
        Assert.Equal("/home/user/secret", state.FindThread(Shell)!.Fds.Find(4)!.Name);
        Assert.True(state.Process(EventBuilder.ExecveExit(Ts(), Shell, Shell, 1, "curl", ["-6", "http://x"], "", "curl", "/usr/bin/curl", uid: 1000, loginUid: 0)));
        ThreadInfo shell = state.FindThread(Shell)!;
        Assert.Equal("curl", shell.Comm);
        Assert.Equal(["-6", "http://x"], shell.Args);
        Assert.Equal("/usr/bin/curl", shell.ExePath);
        Assert.Equal(0u, shell.LoginUid);
        Assert.Null(shell.Fds.Find(4));
        Assert.NotNull(shell.Fds.Find(3));
    }

    [Fact]
    public void FailedExecveChangesNothing()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.ExecveExit(Ts(), Shell, Shell, 1, "nope", [], "", "nope", "/nope", res: -2));
        Assert.Equal("bash", state.FindThread(Shell)!.Comm);
    }

    [Fact]
    public void ProcExitRemovesTheThreadAfterTheEventAndReparentsChildren()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.CloneExit(Ts(), Shell, 101, "bash", [], Shell, Shell, 1, "", "bash"));
        Assert.True(state.Process(EventBuilder.ProcExit(Ts(), Shell, reaperTid: 1)));
        Assert.NotNull(state.Context.Thread);
        Assert.NotNull(state.FindThread(Shell));
        state.Process(EventBuilder.ReadExit(Ts(), 101, 3, "x"));
        Assert.Null(state.FindThread(Shell));
        Assert.Equal(1, state.FindThread(101)!.ParentTid);
    }

    [Fact]
    public void UnknownThreadIsInventedWithUnknownValues()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.OpenatExit(Ts(), 555, 3, "/etc/hosts"));
        ThreadInfo t = state.Context.Thread!;
        Assert.Equal(-1, t.Pid);
        Assert.Equal("<NA>", t.Comm);
        Assert.Equal(uint.MaxValue, t.Uid);
        Assert.Equal("./", state.CwdOf(t));
        Assert.Equal("/etc/hosts", state.Context.Fd!.Name);
    }

    [Fact]
    public void ConnectGivesTheSocketItsTupleRoleAndNameChange()
    {
        SystemState state = NewState();
        Assert.True(state.Process(EventBuilder.SocketExit(Ts(), Shell, 5, domain: 2, type: 1)));
        Assert.False(state.Context.FdNameChanged);
        Assert.Equal("", state.Context.Fd!.Name);
        Assert.Equal(SocketRole.None, state.Context.Fd.Role);

        Assert.True(state.Process(EventBuilder.ConnectExitV4(Ts(), Shell, 5, "10.0.0.5", 54321, "93.184.216.34", 80, res: -115)));
        FdInfo fd = state.Context.Fd!;
        Assert.Equal("10.0.0.5:54321->93.184.216.34:80", fd.Name);
        Assert.Equal(SocketRole.Client, fd.Role);
        Assert.Equal(ScapL4Protocol.Tcp, fd.L4Proto);
        Assert.True(fd.IsConnected);
        Assert.True(state.Context.FdNameChanged);

        state.Process(EventBuilder.WriteExit(Ts(), Shell, 5, "GET /"));
        Assert.False(state.Context.FdNameChanged);
    }

    [Fact]
    public void FailedConnectLeavesTheSocketUnconnected()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.SocketExit(Ts(), Shell, 5));
        state.Process(EventBuilder.ConnectExitV4(Ts(), Shell, 5, "10.0.0.5", 1, "10.0.0.9", 80, res: -111));
        Assert.False(state.Context.Fd!.IsConnected);
        Assert.Equal("", state.Context.Fd.Name);
    }

    [Fact]
    public void UdpSendtoGuessesClientRoleAndTracksPeerChanges()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.SocketExit(Ts(), Shell, 6, domain: 2, type: 2));
        state.Process(SendTo(Ts(), Shell, 6, "10.0.0.5", 40000, "8.8.8.8", 53));
        FdInfo fd = state.Context.Fd!;
        Assert.Equal(SocketRole.Client, fd.Role);
        Assert.Equal(ScapL4Protocol.Udp, fd.L4Proto);
        Assert.Equal("10.0.0.5:40000->8.8.8.8:53", fd.Name);
        Assert.True(fd.IsConnected);
        Assert.True(state.Context.FdNameChanged);

        state.Process(SendTo(Ts(), Shell, 6, "10.0.0.5", 40000, "8.8.8.8", 53));
        Assert.False(state.Context.FdNameChanged);

        state.Process(SendTo(Ts(), Shell, 6, "10.0.0.5", 40000, "1.1.1.1", 53));
        Assert.True(state.Context.FdNameChanged);
        Assert.Equal("10.0.0.5:40000->1.1.1.1:53", state.Context.Fd!.Name);
    }

    [Fact]
    public void UnspecifiedSourceIsInferredFromTheInterfaces()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.SocketExit(Ts(), Shell, 6, domain: 2, type: 2));
        state.Process(SendTo(Ts(), Shell, 6, "0.0.0.0", 0, "127.0.0.1", 2345));
        Assert.Equal("127.0.0.1:0->127.0.0.1:2345", state.Context.Fd!.Name);
    }

    [Fact]
    public void AcceptCreatesAConnectedServerSocket()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.Create(247, Ts(), Shell).Fd(7).SockTupleV4("192.168.1.20", 50000, "10.0.0.5", 443).UInt8(0).UInt32(0).UInt32(128).Build());
        FdInfo fd = state.Context.Fd!;
        Assert.Equal(7, fd.Fd);
        Assert.Equal(SocketRole.Server, fd.Role);
        Assert.True(fd.IsConnected);
        Assert.Equal("192.168.1.20:50000->10.0.0.5:443", fd.Name);
        Assert.Equal(FdKind.Ipv4Socket, fd.Kind);
    }

    [Fact]
    public void BindTurnsTheSocketIntoAServerSocket()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.SocketExit(Ts(), Shell, 5));
        state.Process(EventBuilder.Create(21, Ts(), Shell).Errno(0).SockAddrV4("0.0.0.0", 8080).Fd(5).Build());
        FdInfo fd = state.Context.Fd!;
        Assert.Equal(FdKind.Ipv4ServerSocket, fd.Kind);
        Assert.Equal("0.0.0.0:8080", fd.Name);
        Assert.Equal(SocketRole.Server, fd.Role);
    }

    [Fact]
    public void CloseStillShowsTheFdAndRemovesItAfterwards()
    {
        SystemState state = NewState();
        Assert.True(state.Process(EventBuilder.CloseExit(Ts(), Shell, 3)));
        Assert.Equal("/etc/passwd", state.Context.Fd!.Name);
        state.Process(EventBuilder.ReadExit(Ts(), Shell, 3, "x"));
        Assert.Null(state.Context.Fd);
        Assert.Null(state.FindThread(Shell)!.Fds.Find(3));
    }

    [Fact]
    public void FailedCloseKeepsTheFd()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.CloseExit(Ts(), Shell, 3, res: -9));
        state.Process(EventBuilder.ReadExit(Ts(), Shell, 3, "x"));
        Assert.NotNull(state.Context.Fd);
    }

    [Fact]
    public void Dup2CopiesTheFdWithoutCloexec()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.OpenatExit(Ts(), Shell, 4, "/tmp/log", flags: 2 | 4096));
        state.Process(EventBuilder.Create(363, Ts(), Shell).Fd(1).Fd(4).Fd(1).Build());
        FdInfo copy = state.FindThread(Shell)!.Fds.Find(1)!;
        Assert.Equal("/tmp/log", copy.Name);
        Assert.False(copy.IsCloexec);
        state.Process(EventBuilder.ExecveExit(Ts(), Shell, Shell, 1, "ls", [], "", "ls", "/bin/ls"));
        Assert.NotNull(state.FindThread(Shell)!.Fds.Find(1));
        Assert.Null(state.FindThread(Shell)!.Fds.Find(4));
    }

    [Fact]
    public void OldCloseExitGetsItsFdFromTheEnterEvent()
    {
        SystemState state = NewState();
        Assert.False(state.Process(EventBuilder.Create(4, Ts(), Shell).Fd(3).Build()));
        ScapEvent exit = EventBuilder.Create(5, Ts(), Shell).Errno(0).Build();
        Assert.True(state.Process(exit));
        Assert.Equal(2, exit.ParamCount);
        Assert.Equal(3, exit.GetInt64OrDefault(1));
        Assert.Equal("/etc/passwd", state.Context.Fd!.Name);
    }

    [Fact]
    public void OldOpenatIsRebuiltAsTheCurrentLayout()
    {
        SystemState state = NewState();
        Assert.False(state.Process(EventBuilder.Create(102, Ts(), Shell).Fd(-100).CharBuf("notes.txt").UInt32(1).UInt32(0).Build()));
        ScapEvent exit = EventBuilder.Create(103, Ts(), Shell).Fd(4).Build();
        Assert.True(state.Process(exit));
        Assert.Equal(307, exit.Type);
        Assert.Equal(103, exit.OriginalType);
        Assert.Equal(7, exit.ParamCount);
        Assert.Equal("notes.txt", exit.GetString(2));
        Assert.Equal("/home/user/notes.txt", state.Context.Fd!.Name);
    }

    [Fact]
    public void EvtNumCountsOnlyEventsThatReachTheParser()
    {
        SystemState state = NewState();
        ScapEvent readEnter = EventBuilder.Create(6, Ts(), Shell).Fd(3).UInt32(10).Number(1).Build();
        ScapEvent openEnter = EventBuilder.Create(306, Ts(), Shell).Fd(-100).Path("x").UInt32(1).UInt32(0).Number(2).Build();
        ScapEvent open = EventBuilder.OpenatExit(Ts(), Shell, 4, "x");
        Assert.False(state.Process(readEnter));
        Assert.False(state.Process(openEnter));
        Assert.True(state.Process(open));
        Assert.Equal(1ul, openEnter.Number);
        Assert.Equal(2ul, open.Number);
    }

    [Fact]
    public void WarmEventsDoNotAllocate()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.SocketExit(Ts(), Shell, 6, domain: 2, type: 2));
        ScapEvent read = EventBuilder.ReadExit(Ts(), Shell, 3, "data");
        ScapEvent send = SendTo(Ts(), Shell, 6, "10.0.0.5", 40000, "8.8.8.8", 53);
        for (int i = 0; i < 10; i++)
        {
            state.Process(read);
            state.Process(send);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            state.Process(read);
            state.Process(send);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void UserAndGroupEventsUpdateTheTables()
    {
        SystemState state = NewState();
        Assert.True(state.Process(EventBuilder.Create(354, Ts(), -1).UInt32(1001).UInt32(1001).CharBuf("alice").CharBuf("/home/alice").CharBuf("/bin/sh").CharBuf("").Build()));
        Assert.Equal("alice", state.FindUser(1001)!.Name);
        state.Process(EventBuilder.Create(358, Ts(), -1).UInt32(1001).CharBuf("alice").CharBuf("").Build());
        Assert.Equal("alice", state.FindGroup(1001)!.Name);
        state.Process(EventBuilder.Create(356, Ts(), -1).UInt32(1001).UInt32(1001).CharBuf("alice").CharBuf("/home/alice").CharBuf("/bin/sh").CharBuf("").Build());
        Assert.Null(state.FindUser(1001));
    }

    [Theory]
    [InlineData("cpu=/docker/3f1a9c0c0e5b4d2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f", "3f1a9c0c0e5b")]
    [InlineData("0::/system.slice/docker-aa1a9c0c0e5b4d2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f.scope", "aa1a9c0c0e5b")]
    [InlineData("0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-bb1a9c0c0e5b4d2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f.scope", "bb1a9c0c0e5b")]
    [InlineData("0::/machine.slice/libpod-cc1a9c0c0e5b4d2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f.scope", "cc1a9c0c0e5b")]
    [InlineData("0::/kubepods/besteffort/pod1/crio-dd1a9c0c0e5b4d2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f.scope", "dd1a9c0c0e5b")]
    [InlineData("0::/user.slice/user-1000.slice/session-2.scope", "")]
    public void ContainerIdsComeFromCgroupPaths(string cgroup, string expected)
    {
        string full = ContainerIdParser.FindFullId([cgroup]);
        Assert.Equal(expected, full.Length >= 12 ? full[..12] : full);
    }

    [Theory]
    [InlineData("/home/user/", "a/../b/./c", "/home/user/b/c")]
    [InlineData("/", "/etc//passwd", "/etc/passwd")]
    [InlineData("/tmp", "x", "/tmp/x")]
    [InlineData("/a/b/", "../../..", "/")]
    public void PathsAreResolvedAgainstTheDirectory(string directory, string path, string expected) =>
        Assert.Equal(expected, PathResolver.Resolve(directory, path));

    /// <summary>sendto exit (31): res, data, fd, size, tuple local → remote.</summary>
    private static ScapEvent SendTo(ulong ts, long tid, long fd, string localIp, ushort localPort, string remoteIp, ushort remotePort) =>
        EventBuilder.Create(31, ts, tid).Errno(4).ByteBuf("abcd").Fd(fd).UInt32(4).SockTupleV4(localIp, localPort, remoteIp, remotePort).Build();
}
