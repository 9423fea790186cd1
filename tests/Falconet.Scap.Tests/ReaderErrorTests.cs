using System.Buffers.Binary;
using System.IO.Compression;
using Falconet.Core.Events;
using Falconet.TestKit;
using static Falconet.Scap.Tests.RawCaptureBuilder;

namespace Falconet.Scap.Tests;

public sealed class ReaderErrorTests
{
    private const ulong Ts = 1_700_000_000_000_000_000;

    /// <summary>SHB, MI and five close-exit events (ts = Ts + i, fd = i).</summary>
    private static RawCaptureBuilder FiveEvents()
    {
        var b = new RawCaptureBuilder().SectionHeader().MachineInfo();
        for (int i = 1; i <= 5; i++)
        {
            b.Event(5, Ts + (ulong)i, 100, [I64(0), I64(i)], cpu: (ushort)i);
        }
        return b;
    }

    internal static (List<(ulong Number, ushort Type, ulong Ts)> Events, ScapFormatException? Error) ReadAll(
        byte[] bytes, string name = "synthetic.scap", RecordingSink? sink = null)
    {
        var events = new List<(ulong, ushort, ulong)>();
        try
        {
            using var reader = new ScapReader(new MemoryStream(bytes), name);
            reader.ReadHeader(sink ?? new RecordingSink());
            var evt = new ScapEvent();
            while (reader.TryReadEvent(evt))
            {
                events.Add((evt.Number, evt.Type, evt.Timestamp));
            }
            return (events, null);
        }
        catch (ScapFormatException ex)
        {
            return (events, ex);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_event_block_delivers_the_events_before_it_then_names_the_block(bool gzip)
    {
        RawCaptureBuilder b = FiveEvents();
        byte[] full = b.ToArray();
        long cutBlock = b.BlockOffsets[2 + 3]; // the 4th event block
        byte[] cut = full[..(int)(cutBlock + 20)];

        var (events, error) = ReadAll(gzip ? Gzip(cut) : cut, "cut.scap");

        Assert.Equal([1UL, 2UL, 3UL], events.Select(e => e.Number));
        Assert.NotNull(error);
        Assert.Equal(cutBlock, error.Offset);
        Assert.Equal(ScapBlockTypes.EventV2, error.BlockType);
        Assert.Equal("EV_V2", error.BlockName);
        Assert.StartsWith("cut.scap: truncated capture at ", error.Message);
        Assert.Contains(gzip ? $"decompressed offset {cutBlock}" : $"byte offset {cutBlock}", error.Message);
        Assert.Contains("file ends after 20", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void File_ending_inside_a_block_header_is_truncated_not_clean_eof()
    {
        RawCaptureBuilder b = FiveEvents();
        byte[] cut = b.ToArray()[..(int)(b.Length - 0)];
        cut = [.. cut, 0x16, 0x02, 0x00];
        var (events, error) = ReadAll(cut);
        Assert.Equal(5, events.Count);
        Assert.NotNull(error);
        Assert.Equal(b.Length, error.Offset);
        Assert.Contains("3 bytes into a block header", error.Message);
    }

    [Theory]
    [InlineData(0xFFFFFF00u)]
    [InlineData(8u)]
    [InlineData(62u)]
    [InlineData(65536u + 8 + 4)]
    public void Corrupt_event_block_length_is_reported_at_its_block(uint badLength)
    {
        RawCaptureBuilder b = FiveEvents();
        byte[] bytes = b.ToArray();
        long third = b.BlockOffsets[2 + 2];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)third + 4), badLength);

        var (events, error) = ReadAll(bytes);

        Assert.Equal(2, events.Count);
        Assert.NotNull(error);
        Assert.Equal(third, error.Offset);
        Assert.Contains($"corrupt block length 0x{badLength:x} at byte offset {third} (EV_V2 block", error.Message);
    }

    [Fact]
    public void Large_event_blocks_may_exceed_64_KiB()
    {
        byte[] json = new byte[100_000];
        Array.Fill(json, (byte)'x');
        json[^1] = 0;
        byte[] bytes = new RawCaptureBuilder().SectionHeader()
            .Event(324, Ts, -1, [json])
            .Event(5, Ts + 1, 1, [I64(0), I64(3)])
            .ToArray();

        using var reader = new ScapReader(new MemoryStream(bytes), "large.scap");
        reader.ReadHeader(new RecordingSink());
        var evt = new ScapEvent();
        Assert.True(reader.TryReadEvent(evt));
        Assert.Equal(324, evt.Type);
        Assert.Equal(100_000, evt.GetParam(0).Length);
        Assert.True(reader.TryReadEvent(evt));
        Assert.Equal(5, evt.Type);
        Assert.Equal(2UL, evt.Number);
        Assert.False(reader.TryReadEvent(evt));
    }

    [Fact]
    public void Wrong_trailer_of_a_header_block_is_an_error()
    {
        byte[] bytes = new RawCaptureBuilder().SectionHeader()
            .Block(ScapBlockTypes.UserListV2, new BodyWriter().U32(4 + 1 + 4 + 2 + 2).U8(1).U32(0).Str16("ro").ToArray(), trailerOverride: 7)
            .ToArray();
        var (_, error) = ReadAll(bytes);
        Assert.NotNull(error);
        Assert.Equal(28, error.Offset);
        Assert.Contains("wrong block trailer 7", error.Message);
        Assert.Contains("UL_V2", error.Message);
    }

    [Fact]
    public void Event_block_trailer_is_not_compared_and_bytes_after_the_event_are_ignored()
    {
        // pcapng per-block options after the event survive in edited captures.
        byte[] bytes = new RawCaptureBuilder().SectionHeader()
            .Event(5, Ts, 1, [I64(0), I64(3)], trailing: [1, 0, 4, 0, (byte)'a', (byte)'b', (byte)'c', 0, 0, 0, 0, 0])
            .ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), 12345);
        var (events, error) = ReadAll(bytes);
        Assert.Null(error);
        Assert.Single(events);
    }

    [Theory]
    [InlineData(0x1A2B3C4Eu, "bad byte-order magic 0x1a2b3c4e")]
    [InlineData(0x4D3C2B1Au, "byte-swapped (big-endian) capture")]
    public void Bad_magic_is_rejected_at_offset_zero(uint magic, string expected)
    {
        byte[] bytes = new RawCaptureBuilder().SectionHeader(magic: magic).ToArray();
        var (_, error) = ReadAll(bytes, "magic.scap");
        Assert.NotNull(error);
        Assert.Equal(0, error.Offset);
        Assert.Equal("SHB", error.BlockName);
        Assert.StartsWith("magic.scap: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Newer_major_version_is_rejected()
    {
        var (_, error) = ReadAll(new RawCaptureBuilder().SectionHeader(major: 2).ToArray());
        Assert.NotNull(error);
        Assert.Contains("unsupported format version 2.2", error.Message);
    }

    [Fact]
    public void Text_file_and_empty_file_are_not_captures()
    {
        var (_, text) = ReadAll("- rule: x\n  desc: not a capture\n"u8.ToArray(), "rules.yaml");
        Assert.NotNull(text);
        Assert.Contains("rules.yaml: not a scap capture", text.Message);
        var (_, empty) = ReadAll([], "empty.scap");
        Assert.NotNull(empty);
        Assert.Contains("empty file", empty.Message);
    }

    [Fact]
    public void Header_without_events_reads_as_zero_events()
    {
        var sink = new RecordingSink();
        var (events, error) = ReadAll(new RawCaptureBuilder().SectionHeader().MachineInfo().ToArray(), sink: sink);
        Assert.Null(error);
        Assert.Empty(events);
        Assert.Equal("raw-host", sink.Machine?.Hostname);
        Assert.Equal(1, sink.SnapshotsCompleted);
    }

    [Fact]
    public void Event_the_decoder_rejects_is_an_error_after_the_good_ones()
    {
        RawCaptureBuilder b = new RawCaptureBuilder().SectionHeader()
            .Event(5, Ts, 1, [I64(0), I64(3)])
            .Event(5, Ts + 1, 1, [I64(0), I64(3)], nparamsOverride: 9);
        var (events, error) = ReadAll(b.ToArray());
        Assert.Single(events);
        Assert.NotNull(error);
        Assert.Equal(b.BlockOffsets[2], error.Offset);
        Assert.Contains("malformed event", error.Message);
    }

    [Fact]
    public void Unknown_event_types_are_skipped_and_not_counted()
    {
        byte[] bytes = new RawCaptureBuilder().SectionHeader()
            .Event(5, Ts, 1, [I64(0), I64(3)])
            .Event(EventTable.EventMax + 7, Ts + 1, 1, [I64(1)])
            .Event(5, Ts + 2, 1, [I64(0), I64(4)], flags: 1)
            .ToArray();
        var sink = new RecordingSink();
        using var reader = new ScapReader(new MemoryStream(bytes), "unknown.scap");
        reader.ReadHeader(sink);
        var evt = new ScapEvent();
        Assert.True(reader.TryReadEvent(evt));
        Assert.Equal(1UL, evt.Number);
        Assert.True(reader.TryReadEvent(evt));
        Assert.Equal(2UL, evt.Number);
        Assert.Equal(Ts + 2, evt.Timestamp);
        Assert.Equal(1u, evt.BlockFlags);
        Assert.True(evt.IsStateOnly);
        Assert.False(reader.TryReadEvent(evt));
    }

    [Fact]
    public void Cpu_and_event_fields_are_set()
    {
        var (events, error) = ReadAll(FiveEvents().ToArray());
        Assert.Null(error);
        Assert.Equal(5, events.Count);
        using var reader = new ScapReader(new MemoryStream(FiveEvents().ToArray()), "x.scap");
        var evt = new ScapEvent();
        Assert.True(reader.TryReadEvent(evt)); // without ReadHeader: the header is read and discarded
        Assert.Equal(1, evt.Cpu);
        Assert.Equal(100, evt.ThreadId);
        Assert.Equal(1, evt.GetInt64OrDefault(1));
    }

    [Fact]
    public void Concatenated_captures_start_a_new_section()
    {
        byte[] first = FiveEvents().ToArray();
        byte[] second = new RawCaptureBuilder().SectionHeader().MachineInfo(hostname: "second")
            .Event(5, Ts + 10, 1, [I64(0), I64(9)])
            .ToArray();
        var sink = new RecordingSink();
        var (events, error) = ReadAll([.. first, .. second], sink: sink);
        Assert.Null(error);
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL, 6UL], events.Select(e => e.Number));
        Assert.Equal(1, sink.SectionStarts);
        Assert.Equal(2, sink.SnapshotsCompleted);
        Assert.Equal("second", sink.Machine?.Hostname);
    }

    [Fact]
    public void Concatenated_gzip_members_are_all_read()
    {
        RawCaptureBuilder b = FiveEvents();
        byte[] all = b.ToArray();
        int split = (int)b.BlockOffsets[4];
        byte[] twoMembers = [.. Gzip(all[..split]), .. Gzip(all[split..])];
        var (events, error) = ReadAll(twoMembers);
        Assert.Null(error);
        Assert.Equal(5, events.Count);
    }

    [Fact]
    public void Non_seekable_gzip_stream_is_read()
    {
        byte[] gz = Gzip(FiveEvents().ToArray());
        using var reader = new ScapReader(new NonSeekableStream(gz), "pipe");
        reader.ReadHeader(new RecordingSink());
        var evt = new ScapEvent();
        int n = 0;
        while (reader.TryReadEvent(evt))
        {
            n++;
        }
        Assert.Equal(5, n);
        Assert.True(reader.IsCompressed);
        Assert.Null(reader.Length);
        Assert.Equal(FiveEvents().Length, reader.Position);
    }

    [Fact]
    public void Corrupt_gzip_data_becomes_a_format_error()
    {
        byte[] plain = FiveEvents().ToArray();
        byte[] gz = Gzip(plain);
        for (int i = 20; i < gz.Length - 8; i += 3)
        {
            gz[i] ^= 0x5A;
        }
        var (_, error) = ReadAll(gz, "broken.scap.gz");
        Assert.NotNull(error);
        Assert.StartsWith("broken.scap.gz: ", error.Message);
        Assert.Contains("decompressed offset", error.Message);
        Assert.True(error.Offset >= 0);
    }

    [Fact]
    public void Shared_capture_cut_inside_an_event_block()
    {
        SharedData.SkipIfAbsent();
        byte[] plain = Decompress(File.ReadAllBytes(SharedData.Capture("curl_google")));
        List<long> blocks = BlockStarts(plain);
        List<long> eventBlocks = blocks.Where(o => ScapBlockTypes.NameOf(TypeAt(plain, o)).StartsWith("EV", StringComparison.Ordinal)).ToList();
        Assert.Equal(1536, eventBlocks.Count);
        long cutBlock = eventBlocks[1000];

        using var dir = new TempDirectory();
        string path = dir.File("curl_cut.scap");
        File.WriteAllBytes(path, Gzip(plain.AsSpan(0, (int)cutBlock + 30)));

        int read = 0;
        using ScapReader reader = ScapReader.Open(path);
        reader.ReadHeader(new RecordingSink());
        var evt = new ScapEvent();
        var error = Assert.Throws<ScapFormatException>(() =>
        {
            while (reader.TryReadEvent(evt))
            {
                read++;
            }
        });
        Assert.Equal(1000, read);
        Assert.Equal(cutBlock, error.Offset);
        Assert.StartsWith($"curl_cut.scap: truncated capture at decompressed offset {cutBlock}: EV block (type 0x204)", error.Message);
    }

    [Fact]
    public void Shared_capture_with_a_corrupted_block_length()
    {
        SharedData.SkipIfAbsent();
        byte[] plain = Decompress(File.ReadAllBytes(SharedData.Capture("syscall")));
        List<long> blocks = BlockStarts(plain);
        long fdl = blocks.First(o => TypeAt(plain, o) == ScapBlockTypes.FdListV1);
        BinaryPrimitives.WriteUInt32LittleEndian(plain.AsSpan((int)fdl + 4), 0xffffff00);

        var (events, error) = ReadAll(plain, "syscall.scap");
        Assert.Empty(events);
        Assert.NotNull(error);
        Assert.Equal(fdl, error.Offset);
        Assert.Equal($"syscall.scap: corrupt block length 0xffffff00 at byte offset {fdl} (FDL block, type 0x203)", error.Message);
    }

    internal static byte[] Decompress(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1F || bytes[1] != 0x8B)
        {
            return bytes;
        }
        using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        var output = new MemoryStream();
        gz.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Walks the block framing (independently of the reader) to find where each block starts.</summary>
    internal static List<long> BlockStarts(byte[] plain)
    {
        var starts = new List<long>();
        long offset = 0;
        while (offset + 8 <= plain.Length)
        {
            starts.Add(offset);
            offset += BinaryPrimitives.ReadUInt32LittleEndian(plain.AsSpan((int)offset + 4));
        }
        Assert.Equal(plain.Length, offset);
        return starts;
    }

    private static uint TypeAt(byte[] plain, long offset) => BinaryPrimitives.ReadUInt32LittleEndian(plain.AsSpan((int)offset));

    private sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
