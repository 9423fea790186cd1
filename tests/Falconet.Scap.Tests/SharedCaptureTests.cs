using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.TestKit;

namespace Falconet.Scap.Tests;

public sealed class SharedCaptureTests
{
    // "events in file" of scap-format.md §5.1, checked there against sysdig's evt.num.
    [Theory]
    [InlineData("cat_write", 345)]
    [InlineData("connect_localhost", 374)]
    [InlineData("curl_google", 1536)]
    [InlineData("empty", 83)]
    [InlineData("open-multiple-files", 1272)]
    [InlineData("syscall", 368)]
    [InlineData("test_ipv6_client", 326)]
    public void Reads_every_event_of_the_shared_capture(string name, int expectedEvents)
    {
        SharedData.SkipIfAbsent();
        var sink = new RecordingSink();
        using ScapReader reader = ScapReader.Open(SharedData.Capture(name));
        reader.ReadHeader(sink);

        Assert.Equal(1, sink.SnapshotsCompleted);
        Assert.NotNull(sink.Machine);
        Assert.True(sink.Machine!.CpuCount > 0);
        Assert.NotEmpty(sink.Machine.Hostname);
        Assert.NotEmpty(sink.Interfaces);
        Assert.Contains(sink.Interfaces, i => i.Name == "lo");
        Assert.Contains(sink.Users, u => u.Uid == 0 && u.Name == "root");
        Assert.Contains(sink.Groups, g => g.Gid == 0);
        Assert.True(sink.Threads.Count > 10, $"{sink.Threads.Count} threads");
        Assert.Contains(sink.Threads, t => t.Tid == 1 && t.Pid == 1);
        Assert.True(sink.Threads.All(t => t.Comm.Length > 0), "every thread has a comm");
        Assert.True(sink.Fds.Count > 10, $"{sink.Fds.Count} fds");
        Assert.True(sink.Fds.All(f => sink.Threads.Any(t => t.Tid == f.Tid)), "every fd belongs to a listed thread");
        Assert.Contains(sink.Fds, f => f.Type is ScapFdType.File or ScapFdType.FileV2 && f.Name.StartsWith('/'));

        var evt = new ScapEvent();
        ulong count = 0;
        ulong previousTs = 0;
        while (reader.TryReadEvent(evt))
        {
            count++;
            Assert.Equal(count, evt.Number);
            Assert.True(EventTable.IsKnown(evt.Type));
            Assert.True(evt.ParamCount <= evt.Info.Parameters.Count);
            Assert.True(evt.Timestamp >= previousTs || previousTs - evt.Timestamp < 1_000_000_000UL, "timestamps roughly ordered");
            previousTs = evt.Timestamp;
        }
        Assert.Equal((ulong)expectedEvents, count);
        Assert.Equal((ulong)expectedEvents, reader.EventCount);
        Assert.False(reader.TryReadEvent(evt), "EOF stays EOF");
        Assert.Equal(1.0, reader.Progress, 3);
        Assert.Equal(0, sink.SectionStarts);
    }

    [Theory]
    [InlineData("curl_google")]
    [InlineData("empty")]
    public void Warm_event_path_does_not_allocate(string name)
    {
        SharedData.SkipIfAbsent();
        var evt = new ScapEvent();
        // First pass grows the event's value buffer to the largest event of the file.
        using (ScapReader warmup = ScapReader.Open(SharedData.Capture(name)))
        {
            while (warmup.TryReadEvent(evt))
            {
            }
        }
        using ScapReader reader = ScapReader.Open(SharedData.Capture(name));
        reader.ReadHeader(new RecordingSink());
        Assert.True(reader.TryReadEvent(evt));
        long before = GC.GetAllocatedBytesForCurrentThread();
        int count = 0;
        while (reader.TryReadEvent(evt))
        {
            count++;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(count > 50);
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("curl_google")]
    [InlineData("empty")]
    public void Progress_rises_to_one_and_position_counts_decompressed_bytes(string name)
    {
        SharedData.SkipIfAbsent();
        using ScapReader reader = ScapReader.Open(SharedData.Capture(name));
        reader.ReadHeader(new RecordingSink());
        var evt = new ScapEvent();
        double previous = 0;
        bool sawPartial = false;
        while (reader.TryReadEvent(evt))
        {
            Assert.InRange(reader.Progress, previous, 1.0);
            sawPartial |= reader.Progress < 1.0;
            previous = reader.Progress;
        }
        Assert.True(sawPartial, "progress was below 1 before the last event");
        Assert.Equal(1.0, reader.Progress, 6);
        long decompressed = ReaderErrorTests.Decompress(File.ReadAllBytes(SharedData.Capture(name))).Length;
        Assert.Equal(decompressed, reader.Position);
    }

    [Fact]
    public void Gzip_captures_report_compressed_and_plain_ones_do_not()
    {
        SharedData.SkipIfAbsent();
        using (ScapReader gz = ScapReader.Open(SharedData.Capture("curl_google")))
        {
            Assert.True(gz.IsCompressed);
        }
        using ScapReader plain = ScapReader.Open(SharedData.Capture("empty"));
        Assert.False(plain.IsCompressed);
        Assert.Equal(new FileInfo(SharedData.Capture("empty")).Length, plain.Length);
    }

    [Fact]
    public void Syscall_capture_process_list_v8_carries_sid_vpgid_and_exepath()
    {
        SharedData.SkipIfAbsent();
        var sink = new RecordingSink();
        using ScapReader reader = ScapReader.Open(SharedData.Capture("syscall"));
        reader.ReadHeader(sink);
        Assert.Contains(sink.Threads, t => t.ExePath.StartsWith('/'));
        Assert.Contains(sink.Threads, t => t.Sid > 0);
        Assert.Contains(sink.Threads, t => t.Vpgid > 0);
        Assert.Contains(sink.Threads, t => t.Cwd.StartsWith('/'));
    }

    [Fact]
    public void Curl_google_decodes_a_known_event_shape()
    {
        SharedData.SkipIfAbsent();
        using ScapReader reader = ScapReader.Open(SharedData.Capture("curl_google"));
        reader.ReadHeader(new RecordingSink());
        var evt = new ScapEvent();
        bool sawConnectExit = false;
        while (reader.TryReadEvent(evt))
        {
            if (evt.Type == 23 && evt.ParamCount >= 2)
            {
                ReadOnlySpan<byte> tuple = evt.GetParam(1);
                if (tuple.Length > 0)
                {
                    // family byte, then an INET (13), INET6 (37) or UNIX (≥ 18) tuple
                    Assert.True(tuple[0] switch { 2 => tuple.Length == 13, 10 => tuple.Length == 37, 1 => tuple.Length >= 18, _ => false });
                    sawConnectExit = true;
                }
            }
        }
        Assert.True(sawConnectExit);
    }
}

/// <summary>Keeps everything a reader delivers, and counts the lifecycle calls.</summary>
internal sealed class RecordingSink : ISnapshotSink
{
    public MachineInfo? Machine { get; private set; }
    public List<InterfaceAddress> Interfaces { get; } = [];
    public List<UserRecord> Users { get; } = [];
    public List<GroupRecord> Groups { get; } = [];
    public List<ThreadRecord> Threads { get; } = [];
    public List<FdRecord> Fds { get; } = [];
    public int SectionStarts { get; private set; }
    public int SnapshotsCompleted { get; private set; }

    public void OnMachineInfo(MachineInfo info) => Machine = info;
    public void OnInterface(InterfaceAddress address) => Interfaces.Add(address);
    public void OnUser(UserRecord user) => Users.Add(user);
    public void OnGroup(GroupRecord group) => Groups.Add(group);
    public void OnThread(ThreadRecord thread) => Threads.Add(thread);
    public void OnFd(FdRecord fd) => Fds.Add(fd);
    public void OnSectionStart() => SectionStarts++;
    public void OnSnapshotComplete() => SnapshotsCompleted++;
}
