using System.IO.Compression;
using Falconet.Core.Events;
using Falconet.TestKit;

namespace Falconet.Scap.Tests;

public sealed class WriterRoundTripTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Synthetic_capture_reads_back_identically(bool compress)
    {
        ScapSnapshot snapshot = SyntheticCapture.Snapshot();
        List<ScapEvent> events = SyntheticCapture.Events();

        byte[] capture = SyntheticCapture.Write(snapshot, events, compress);
        Assert.Equal(compress, capture[0] == 0x1F && capture[1] == 0x8B);

        (ScapSnapshot readSnapshot, List<ScapEvent> readEvents) = SyntheticCapture.Read(capture);
        Assert.Equal(snapshot.Machine, readSnapshot.Machine);
        Assert.Equal(snapshot.Interfaces, readSnapshot.Interfaces);
        Assert.Equal(snapshot.Users, readSnapshot.Users);
        Assert.Equal(snapshot.Groups, readSnapshot.Groups);
        SyntheticCapture.AssertSameRecords(snapshot.Threads, readSnapshot.Threads);
        SyntheticCapture.AssertSameRecords(snapshot.Fds, readSnapshot.Fds);
        Assert.Equal(1, readSnapshot.CompletedSnapshots);
        Assert.Equal(0, readSnapshot.SectionRestarts);

        Assert.Equal(events.Count, readEvents.Count);
        for (int i = 0; i < events.Count; i++)
        {
            SyntheticCapture.AssertSameEvent(events[i], readEvents[i], $"event {i + 1}");
            Assert.Equal((ulong)(i + 1), readEvents[i].Number);
        }
        Assert.True(readEvents[7].IsStateOnly);
        Assert.True(readEvents[0].GetParam(0).Length > 65536, "the large-payload parameter should exceed a u16 length");
    }

    [Fact]
    public void Block_types_follow_the_writer_profile()
    {
        byte[] capture = SyntheticCapture.Write(SyntheticCapture.Snapshot(), SyntheticCapture.Events(), compress: false);
        List<uint> types = SyntheticCapture.BlockTypes(capture);

        // SHB, MI, IL_V2, UL_V2, PL_V9, one FDL_V2 per thread with fds (4242 and 1), then the events.
        Assert.Equal([0x0A0D0D0Au, 0x201, 0x219, 0x220, 0x215, 0x218, 0x218], types.Take(7));
        List<uint> eventBlocks = types.Skip(7).ToList();
        Assert.Equal(SyntheticCapture.Events().Count, eventBlocks.Count);
        Assert.Equal(0x221u, eventBlocks[0]); // CONTAINER_JSON_2: large payload
        Assert.Equal(0x217u, eventBlocks[7]); // state-only sendto: EVF_V2
        Assert.All(eventBlocks.Where((_, i) => i is not 0 and not 7), t => Assert.Equal(0x216u, t));

        // SHB is 28 bytes, version 1.2, section length -1; MI is 192 bytes.
        Assert.Equal(28u, BitConverter.ToUInt32(capture, 4));
        Assert.Equal(1, BitConverter.ToUInt16(capture, 12));
        Assert.Equal(2, BitConverter.ToUInt16(capture, 14));
        Assert.Equal(-1L, BitConverter.ToInt64(capture, 16));
        Assert.Equal(192u, BitConverter.ToUInt32(capture, 28 + 4));
    }

    [Fact]
    public void Event_block_bytes_match_the_worked_example()
    {
        // scap-format.md §1.11: connect > fd 3 -> 93.184.216.34:80, tid 4242, cpu 0, a 60-byte EV_V2 block.
        ScapEvent connect = EventBuilder.Create(22, 0x17979cfe362a0bb8, 4242).Fd(3).SockAddrV4("93.184.216.34", 80).Build();
        byte[] capture = SyntheticCapture.Write(new ScapSnapshot(), [connect], compress: false);
        byte[] block = capture.AsSpan(28).ToArray();
        byte[] expected = Convert.FromHexString(
            "16020000" + "3c000000" + "0000" + "b80b2a36fe9c9717" + "9210000000000000" + "2d000000" + "1600" + "02000000" +
            "0800" + "0700" + "0300000000000000" + "025db8d8225000" + "00" + "3c000000");
        Assert.Equal(expected, block);
    }

    [Fact]
    public void A_second_header_starts_a_new_section_and_numbering_continues()
    {
        var output = new MemoryStream();
        List<ScapEvent> events = SyntheticCapture.Events();
        using (var writer = new ScapWriter(output, compress: false, leaveOpen: true))
        {
            writer.WriteHeader(SyntheticCapture.Snapshot());
            writer.WriteEvent(events[1]);
            writer.WriteEvent(events[2]);
            var second = new ScapSnapshot();
            second.Threads.Add(SyntheticCapture.Snapshot().Threads[0]);
            writer.WriteHeader(second);
            writer.WriteEvent(events[3]);
        }

        (ScapSnapshot snapshot, List<ScapEvent> read) = SyntheticCapture.Read(output.ToArray());
        Assert.Equal([1UL, 2, 3], read.Select(e => e.Number));
        Assert.Equal(1, snapshot.SectionRestarts);
        Assert.Equal(2, snapshot.CompletedSnapshots);
        Assert.Single(snapshot.Threads); // The second section replaced the first one's state.
        Assert.Empty(snapshot.Fds);
    }

    [Fact]
    public void Concatenated_gzip_members_read_as_one_capture()
    {
        // A gzip capture followed by a second gzip member holding another section (what `cat a.scap.gz b.scap.gz` gives).
        List<ScapEvent> events = SyntheticCapture.Events();
        byte[] first = SyntheticCapture.Write(SyntheticCapture.Snapshot(), events.Take(3), compress: true);
        byte[] second = SyntheticCapture.Write(SyntheticCapture.Snapshot(), events.Skip(3), compress: true);

        (ScapSnapshot snapshot, List<ScapEvent> read) = SyntheticCapture.Read([.. first, .. second]);
        Assert.Equal(events.Count, read.Count);
        Assert.Equal(1, snapshot.SectionRestarts);
        for (int i = 0; i < events.Count; i++)
        {
            SyntheticCapture.AssertSameEvent(events[i], read[i], $"event {i + 1}");
        }
    }

    [Fact]
    public void Header_without_events_reads_as_zero_events()
    {
        byte[] capture = SyntheticCapture.Write(SyntheticCapture.Snapshot(), [], compress: true);
        (ScapSnapshot snapshot, List<ScapEvent> events) = SyntheticCapture.Read(capture);
        Assert.Empty(events);
        Assert.Equal(3, snapshot.Threads.Count);
        Assert.Equal(1, snapshot.CompletedSnapshots);
    }

    [Fact]
    public void Writer_refuses_what_readers_would_reject()
    {
        using var writer = new ScapWriter(new MemoryStream(), compress: false);
        ScapEvent open = EventBuilder.OpenatExit(1, 1, 3, "/x");
        Assert.Throws<InvalidOperationException>(() => writer.WriteEvent(open));

        writer.WriteHeader(new ScapSnapshot());
        ScapEvent huge = EventBuilder.Create(9, 1, 1).Errno(1).Raw(new byte[70_000]).Fd(1).UInt32(1).Build();
        ArgumentException ex = Assert.Throws<ArgumentException>(() => writer.WriteEvent(huge));
        Assert.Contains("parameter 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshot_fields_longer_than_readers_accept_are_cut_at_the_bound_like_a_proc_scan()
    {
        var snapshot = new ScapSnapshot();
        string[] args = [.. Enumerable.Range(0, 3000).Select(i => "arg" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        snapshot.Threads.Add(new Core.Snapshot.ThreadRecord
        {
            Tid = 1,
            Pid = 1,
            Comm = new string('c', 2000),
            Cwd = new string('é', 700) + "/",
            Args = args,
            Env = ["HOME=/root", new string('x', 5000)],
        });

        (ScapSnapshot back, _) = SyntheticCapture.Read(SyntheticCapture.Write(snapshot, [], compress: false));

        Core.Snapshot.ThreadRecord t = Assert.Single(back.Threads);
        Assert.Equal(new string('c', 1024), t.Comm);
        Assert.Equal(new string('é', 512), t.Cwd);
        int argsBytes = t.Args.Sum(a => a.Length + 1);
        Assert.InRange(argsBytes, 4096 - 8, 4096);
        Assert.Equal(args[..(t.Args.Length - 1)], t.Args[..^1]);
        Assert.StartsWith(t.Args[^1], args[t.Args.Length - 1], StringComparison.Ordinal);
        Assert.Equal(["HOME=/root", new string('x', 4096 - 11 - 1)], t.Env);
    }

    [Fact]
    public void Writing_events_does_not_allocate_once_warm()
    {
        using var writer = new ScapWriter(Stream.Null, compress: false);
        writer.WriteHeader(SyntheticCapture.Snapshot());
        List<ScapEvent> events = SyntheticCapture.Events();
        foreach (ScapEvent e in events)
        {
            writer.WriteEvent(e);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 100; round++)
        {
            foreach (ScapEvent e in events)
            {
                writer.WriteEvent(e);
            }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Writer_refuses_parameter_counts_no_layout_has()
    {
        using var writer = new ScapWriter(new MemoryStream(), compress: false);
        writer.WriteHeader(new ScapSnapshot());
        var evt = new ScapEvent();
        evt.Reset(5, 1, 1); // close exit: 2 parameters
        evt.AppendParam(new byte[8]);
        evt.AppendParam(new byte[8]);
        evt.AppendParam(new byte[8]);
        Assert.Throws<ArgumentException>(() => writer.WriteEvent(evt));
        evt.Reset(EventTable.EventMax, 1, 1);
        Assert.Throws<ArgumentException>(() => writer.WriteEvent(evt));
    }

    [Fact]
    public void Gzip_output_is_a_valid_gzip_stream_of_the_plain_bytes()
    {
        ScapSnapshot snapshot = SyntheticCapture.Snapshot();
        List<ScapEvent> events = SyntheticCapture.Events();
        byte[] plain = SyntheticCapture.Write(snapshot, events, compress: false);
        byte[] gzip = SyntheticCapture.Write(snapshot, events, compress: true);

        using var inflated = new MemoryStream();
        using (var gz = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress))
        {
            gz.CopyTo(inflated);
        }
        Assert.Equal(plain, inflated.ToArray());
        Assert.True(gzip.Length < plain.Length);
    }

    [Theory]
    [MemberData(nameof(CaptureNames))]
    public void Shared_capture_rewritten_reads_back_identically(string name)
    {
        SharedData.SkipIfAbsent();
        ScapSnapshot snapshot;
        List<ScapEvent> events;
        using (ScapReader reader = ScapReader.Open(SharedData.Capture(name)))
        {
            (snapshot, events) = SyntheticCapture.ReadAll(reader);
        }

        byte[] rewritten = SyntheticCapture.Write(snapshot, events, compress: true);
        (ScapSnapshot again, List<ScapEvent> againEvents) = SyntheticCapture.Read(rewritten, name + " (rewritten)");

        Assert.Equal(snapshot.Machine, again.Machine);
        Assert.Equal(snapshot.Interfaces, again.Interfaces);
        Assert.Equal(snapshot.Users, again.Users);
        Assert.Equal(snapshot.Groups, again.Groups);
        SyntheticCapture.AssertSameRecords(snapshot.Threads, again.Threads);
        SyntheticCapture.AssertSameRecords(snapshot.Fds, again.Fds, fileBecomesFileV2: true);
        Assert.Equal(events.Count, againEvents.Count);
        for (int i = 0; i < events.Count; i++)
        {
            SyntheticCapture.AssertSameEvent(events[i], againEvents[i], $"{name} event {i + 1}");
        }
    }

    public static TheoryData<string> CaptureNames() => new(SharedData.CaptureNames);
}
