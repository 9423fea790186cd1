using System.Buffers.Binary;
using Falconet.Core.Events;
using Falconet.TestKit;
using static Falconet.Scap.Tests.RawCaptureBuilder;

namespace Falconet.Scap.Tests;

/// <summary>
/// Damaged input must end in the outcome an independent walk of the damaged bytes predicts: every intact event
/// before the damage is delivered unchanged, and then either a one-line <see cref="ScapFormatException"/> positioned
/// at or after the damaged block, or (only when the damaged file is still well framed) exactly the events it holds.
/// A reader that stops quietly, swallows an error or skips a malformed event fails these tests.
/// </summary>
public sealed class MutationTests
{
    private const string Name = "mutant.scap";

    /// <summary>What the reader did with one input: the events it delivered (with where each ended) and its error.</summary>
    private sealed record Outcome(List<(ulong Number, ushort Type, ulong Ts, long End)> Events, ScapFormatException? Error);

    private static Outcome Read(byte[] bytes)
    {
        var events = new List<(ulong, ushort, ulong, long)>();
        try
        {
            using var reader = new ScapReader(new MemoryStream(bytes), Name);
            reader.ReadHeader(new RecordingSink());
            var evt = new ScapEvent();
            while (reader.TryReadEvent(evt))
            {
                for (int i = 0; i < evt.ParamCount; i++)
                {
                    _ = evt.GetParam(i).Length;
                }
                events.Add((evt.Number, evt.Type, evt.Timestamp, reader.Position));
            }
            return new Outcome(events, null);
        }
        catch (ScapFormatException ex)
        {
            return new Outcome(events, ex);
        }
    }

    /// <summary>
    /// The block framing of <paramref name="bytes"/>, walked without the reader: block starts, and whether the walk
    /// reached the end exactly with every length sane and every header block's trailer equal to its length.
    /// </summary>
    private static (List<long> Starts, bool WellFramed, int KnownEvents) Walk(byte[] bytes)
    {
        var starts = new List<long>();
        int knownEvents = 0;
        long offset = 0;
        while (offset < bytes.Length)
        {
            starts.Add(offset);
            if (offset + 8 > bytes.Length)
            {
                return (starts, false, knownEvents);
            }
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)offset));
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)offset + 4));
            if (length < 12 || length % 4 != 0 || length > bytes.Length - offset)
            {
                return (starts, false, knownEvents);
            }
            int? prefix = type switch
            {
                0x204 or 0x8010ABCD or 0x216 or 0x221 => 2, // EV, EV_V2, EV_V2_LARGE: cpu
                0x208 or 0x217 or 0x222 => 6, // EVF, EVF_V2, EVF_V2_LARGE: cpu and flags
                _ => null,
            };
            if (prefix is int p)
            {
                // Event header after the prefix: ts (8), tid (8), len (4), type (2).
                if (length < 8 + p + 22 + 4)
                {
                    return (starts, false, knownEvents);
                }
                ushort eventType = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)offset + 8 + p + 20));
                knownEvents += EventTable.IsKnown(eventType) ? 1 : 0;
            }
            else if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)(offset + length - 4))) != length)
            {
                return (starts, false, knownEvents);
            }
            offset += length;
        }
        return (starts, true, knownEvents);
    }

    /// <summary>
    /// Asserts the outcome of reading <paramref name="mutant"/>, a damaged copy of <paramref name="original"/>
    /// whose first damaged byte is <paramref name="damageAt"/> (its length for a clean copy).
    /// </summary>
    private static void AssertOutcome(byte[] original, Outcome good, byte[] mutant, long damageAt, string what)
    {
        Assert.Null(good.Error);
        List<long> originalStarts = Walk(original).Starts;
        long damagedBlock = originalStarts.LastOrDefault(s => s <= damageAt);
        if (damageAt >= original.Length)
        {
            damagedBlock = original.Length;
        }
        var intact = good.Events.Where(e => e.End <= damagedBlock).ToList();
        Outcome got = Read(mutant);
        string context = $"{what}: damage at byte {damageAt} (block at {damagedBlock}); read {got.Events.Count} events; error: {got.Error?.Message ?? "none"}";

        Assert.True(got.Events.Count >= intact.Count, "an intact event before the damage was not delivered. " + context);
        for (int i = 0; i < intact.Count; i++)
        {
            Assert.True((intact[i].Number, intact[i].Type, intact[i].Ts) == (got.Events[i].Number, got.Events[i].Type, got.Events[i].Ts),
                $"event {i + 1} before the damage changed. " + context);
        }
        (List<long> starts, bool wellFramed, int knownEvents) = Walk(mutant);
        if (got.Error is { } error)
        {
            Assert.StartsWith(Name + ": ", error.Message);
            Assert.DoesNotContain('\n', error.Message);
            Assert.True(error.Offset >= damagedBlock && error.Offset <= mutant.Length, "the error is not positioned at or after the damaged block. " + context);
            Assert.True(starts.Contains(error.Offset) || error.Offset == mutant.Length, "the error offset is not the start of a block. " + context);
        }
        else
        {
            Assert.True(wellFramed, "a capture whose framing is broken was accepted. " + context);
            Assert.True(got.Events.Count == knownEvents, $"accepted, but {knownEvents} known events are in the capture. " + context);
        }
    }

    private static long FirstDifference(byte[] original, byte[] mutant)
    {
        int n = Math.Min(original.Length, mutant.Length);
        for (int i = 0; i < n; i++)
        {
            if (original[i] != mutant[i])
            {
                return i;
            }
        }
        return n;
    }

    private static byte[] SyntheticCapture()
    {
        var b = new RawCaptureBuilder().SectionHeader().MachineInfo();
        var pl = new BodyWriter().U64(100).U64(100).U64(1).I64(1).I64(1).Str16("bash").Str16("/bin/bash").Str16("/bin/bash")
            .Str16("-c\0x\0").Str16("/").U64(1024).U32(0).U32(0).U32(0).U32(1).U32(2).U32(3).U64(4).U64(5).Str16("A=1\0")
            .I64(100).I64(100).Str16("cpu=/\0").Str16("/").U32(1000).U8(0).U64(0).U64(0).U64(0).ToArray();
        b.Block(ScapBlockTypes.ProcessListV9, [.. U32((uint)pl.Length + 4), .. pl]);
        var fd = new BodyWriter().I64(3).U64(0).U8(16).U32(1).Str16("/etc/passwd").U32(7).ToArray();
        b.Block(ScapBlockTypes.FdListV2, [.. new BodyWriter().U64(100).ToArray(), .. U32((uint)fd.Length + 4), .. fd]);
        b.Block(ScapBlockTypes.UserListV2, [.. U32(4 + 1 + 4 + 2 + 4), 1, .. U32(0), .. new BodyWriter().Str16("root").ToArray()]);
        for (int i = 0; i < 20; i++)
        {
            b.Event(5, 1000 + (ulong)i, 100, [I64(0), I64(i)]);
            b.Event(307, 2000 + (ulong)i, 100, [I64(3), I64(-100), Str("/etc/passwd"), U32(1), U32(0), U32(0), .. (i % 2 == 0 ? new[] { I64(9) } : [])]);
            b.Event(5, 3000 + (ulong)i, 100, [I64(0), I64(i)], v1Header: true);
        }
        b.Event(324, 9000, -1, [Str("{\"container\":{}}")]);
        return b.ToArray();
    }

    [Fact]
    public void Byte_flips_in_a_synthetic_capture()
    {
        byte[] original = SyntheticCapture();
        Outcome good = Read(original);
        Assert.Null(good.Error);
        Assert.Equal(61, good.Events.Count);
        AssertOutcome(original, good, original, original.Length, "the undamaged capture");
        var random = new Random(1234);
        int errors = 0;
        for (int round = 0; round < 2000; round++)
        {
            byte[] mutant = (byte[])original.Clone();
            int flips = 1 + random.Next(4);
            for (int i = 0; i < flips; i++)
            {
                mutant[random.Next(mutant.Length)] = (byte)random.Next(256);
            }
            AssertOutcome(original, good, mutant, FirstDifference(original, mutant), $"round {round}");
            errors += Read(mutant).Error is null ? 0 : 1;
        }
        // Most flips land in lengths, headers and parameter sizes; a reader that never reports an error is wrong.
        Assert.InRange(errors, 200, 2000);
    }

    [Fact]
    public void Every_truncation_of_a_synthetic_capture()
    {
        byte[] original = SyntheticCapture();
        Outcome good = Read(original);
        List<long> starts = Walk(original).Starts;
        for (int length = 0; length < original.Length; length += 3)
        {
            byte[] cut = original[..length];
            AssertOutcome(original, good, cut, length, $"cut at {length}");
            Outcome got = Read(cut);
            long block = starts.Last(s => s <= length);
            if (length > 0 && block == length)
            {
                // Cut at a block boundary: a shorter, well-formed capture.
                Assert.True(got.Error is null, $"cut at block boundary {length}: {got.Error?.Message}");
                Assert.Equal(good.Events.Count(e => e.End <= length), got.Events.Count);
            }
            else
            {
                Assert.True(got.Error is not null, $"cut at {length}, inside the block at {block}, was accepted");
                Assert.Equal(block, got.Error.Offset);
                Assert.Equal(good.Events.Count(e => e.End <= block), got.Events.Count);
            }
        }
    }

    [Fact]
    public void Byte_flips_in_gzip_data()
    {
        byte[] plain = SyntheticCapture();
        Outcome good = Read(plain);
        byte[] gz = Gzip(plain);
        var random = new Random(99);
        for (int round = 0; round < 300; round++)
        {
            byte[] mutant = (byte[])gz.Clone();
            mutant[2 + random.Next(mutant.Length - 2)] ^= (byte)(1 + random.Next(255));
            Outcome got = Read(mutant);
            if (got.Error is { } error)
            {
                Assert.StartsWith(Name + ": ", error.Message);
                Assert.DoesNotContain('\n', error.Message);
                Assert.InRange(error.Offset, 0, plain.Length);
            }
            else
            {
                // gzip's CRC-32 and length trailer admit only a stream that decompresses to the original.
                Assert.Equal(good.Events.Select(e => (e.Number, e.Type, e.Ts)), got.Events.Select(e => (e.Number, e.Type, e.Ts)));
            }
        }
    }

    [Fact]
    public void Byte_flips_in_a_shared_capture_header()
    {
        SharedData.SkipIfAbsent();
        byte[] plain = ReaderErrorTests.Decompress(File.ReadAllBytes(SharedData.Capture("syscall")));
        Outcome good = Read(plain);
        Assert.Null(good.Error);
        var random = new Random(7);
        int headerEnd = Math.Min(plain.Length, 40_000);
        for (int round = 0; round < 100; round++)
        {
            byte[] mutant = (byte[])plain.Clone();
            mutant[random.Next(headerEnd)] = (byte)random.Next(256);
            AssertOutcome(plain, good, mutant, FirstDifference(plain, mutant), $"round {round}");
        }
    }
}
