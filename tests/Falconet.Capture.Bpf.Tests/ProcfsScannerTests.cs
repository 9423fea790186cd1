using System.Net;
using System.Net.Sockets;
using Falconet.Capture.Bpf.ProcSnapshot;
using Falconet.Core.Snapshot;

namespace Falconet.Capture.Bpf.Tests;

public sealed class ProcfsScannerTests
{
    private sealed class CollectingSink : ISnapshotSink
    {
        public List<string> Calls { get; } = [];
        public List<ThreadRecord> Threads { get; } = [];
        public List<FdRecord> Fds { get; } = [];
        public List<UserRecord> Users { get; } = [];
        public List<GroupRecord> Groups { get; } = [];
        public List<InterfaceAddress> Interfaces { get; } = [];
        public MachineInfo? Machine { get; private set; }

        public void OnMachineInfo(MachineInfo info) { Machine = info; Calls.Add("machine"); }
        public void OnInterface(InterfaceAddress address) => Interfaces.Add(address);
        public void OnUser(UserRecord user) => Users.Add(user);
        public void OnGroup(GroupRecord group) => Groups.Add(group);
        public void OnThread(ThreadRecord thread) => Threads.Add(thread);
        public void OnFd(FdRecord fd) => Fds.Add(fd);
        public void OnSectionStart() => Calls.Add("section");
        public void OnSnapshotComplete() => Calls.Add("complete");
    }

    private static void SkipUnlessLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("the /proc scanner reads Linux procfs");
        }
    }

    [Fact]
    public void Scan_finds_this_process_with_its_cmdline_and_its_sockets()
    {
        SkipUnlessLinux();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int listenPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        udp.Connect(IPAddress.Loopback, 9); // connected UDP: no packet is sent by connect
        int udpLocalPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;

        var sink = new CollectingSink();
        ProcScanStats stats = new ProcfsScanner().Scan(sink);

        Assert.Equal(["section", "machine", "complete"], sink.Calls);
        int pid = Environment.ProcessId;
        ThreadRecord self = Assert.Single(sink.Threads, t => t.Tid == pid);
        Assert.Equal(pid, self.Pid);
        Assert.Equal(Environment.ProcessPath, self.ExePath);
        string[] argv = File.ReadAllText("/proc/self/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(argv[0], self.Exe);
        Assert.Equal(argv[1..], self.Args);
        Assert.Equal(Environment.CurrentDirectory, self.Cwd);
        Assert.Contains(sink.Threads, t => t.Pid == pid && t.Tid != pid && t.Flags == 0x2001); // other threads of this process
        Assert.True(stats.Threads >= sink.Threads.Count(t => t.Pid == pid));

        FdRecord server = Assert.Single(sink.Fds, f => f.Tid == pid && f.Type == ScapFdType.Ipv4ServerSocket && f.SourcePort == listenPort);
        Assert.Equal(IPAddress.Loopback, server.SourceIp);
        Assert.Equal(2, server.L4Proto);
        FdRecord connected = Assert.Single(sink.Fds, f => f.Tid == pid && f.Type == ScapFdType.Ipv4Socket && f.SourcePort == udpLocalPort);
        Assert.Equal(IPAddress.Loopback, connected.DestinationIp);
        Assert.Equal(9, connected.DestinationPort);
        Assert.Equal(3, connected.L4Proto);

        Assert.Contains(sink.Users, u => u.Uid == 0 && u.Name == "root");
        Assert.Contains(sink.Groups, g => g.Gid == 0 && g.Name == "root");
        Assert.Contains(sink.Interfaces, i => i.Address.Equals(IPAddress.Loopback) && i.Netmask.Equals(IPAddress.Parse("255.0.0.0")));
        Assert.NotNull(sink.Machine);
        Assert.True(sink.Machine.MemoryBytes > 0);
        Assert.True(sink.Machine.BootTimeEpochNs > 0);
    }

    [Fact]
    public void Files_get_their_open_flags_in_ppm_encoding()
    {
        SkipUnlessLinux();
        string path = Path.Combine(Path.GetTempPath(), "falconet-proc-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            var sink = new CollectingSink();
            new ProcfsScanner().Scan(sink);
            FdRecord fd = Assert.Single(sink.Fds, f => f.Tid == Environment.ProcessId && f.Name == path);
            Assert.Equal(ScapFdType.FileV2, fd.Type);
            Assert.Equal(2u, fd.OpenFlags & 3u);          // PPM_O_WRONLY
            Assert.NotEqual(0u, fd.OpenFlags & (1u << 12)); // PPM_O_CLOEXEC (.NET opens with O_CLOEXEC)
            Assert.NotEqual(0UL, fd.Ino);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("0100007F:1F90", false, "127.0.0.1", 8080)]
    [InlineData("00000000:0035", false, "0.0.0.0", 53)]
    [InlineData("00000000000000000000000001000000:01BB", true, "::1", 443)]
    [InlineData("B80D0120000000000000000010000000:0050", true, "2001:db8::10", 80)]
    public void Proc_net_endpoints_parse(string text, bool v6, string address, int port)
    {
        Assert.True(SocketTables.TryParseEndpoint(text, v6, out IPAddress ip, out ushort p));
        Assert.Equal(IPAddress.Parse(address), ip);
        Assert.Equal(port, p);
    }

    [Fact]
    public void Malformed_endpoint_is_rejected()
    {
        Assert.False(SocketTables.TryParseEndpoint("0100007F1F90", false, out _, out _));
        Assert.False(SocketTables.TryParseEndpoint("ZZ00007F:1F90", false, out _, out _));
    }
}
