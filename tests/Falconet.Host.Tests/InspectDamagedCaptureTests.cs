using System.Buffers.Binary;
using Falconet.Core.Events;
using Falconet.Scap;
using Falconet.TestKit;

namespace Falconet.Host.Tests;

/// <summary>
/// A damaged capture: <c>inspect</c> prints every event before the fault, then one line naming the byte offset,
/// and fails with exit code 1.
/// </summary>
public sealed class InspectDamagedCaptureTests
{
    [Fact]
    public void TruncatedMidBlockPrintsEveryEventBeforeTheCutThenTheOffset()
    {
        SharedData.SkipIfAbsent();
        using var dir = new TempDirectory();
        (byte[] plain, List<long> eventBlockStarts) = Decompress(SharedData.Capture("curl_google"));
        long cutBlock = eventBlockStarts[eventBlockStarts.Count / 2];
        string damaged = dir.File("truncated.scap");
        string whole = dir.File("whole.scap");
        File.WriteAllBytes(whole, plain);
        File.WriteAllBytes(damaged, plain.AsSpan(0, (int)cutBlock + 30).ToArray());

        AssertDamaged(whole, damaged, expectedEvents: eventBlockStarts.Count / 2, expectedOffset: cutBlock);
    }

    [Fact]
    public void CorruptBlockLengthPrintsEveryEventBeforeItThenTheOffset()
    {
        SharedData.SkipIfAbsent();
        using var dir = new TempDirectory();
        (byte[] plain, List<long> eventBlockStarts) = Decompress(SharedData.Capture("test_ipv6_client"));
        int index = eventBlockStarts.Count * 2 / 3;
        long badBlock = eventBlockStarts[index];
        string whole = dir.File("whole.scap");
        File.WriteAllBytes(whole, plain);
        BinaryPrimitives.WriteUInt32LittleEndian(plain.AsSpan((int)badBlock + 4), 0xFFFFFF01);
        string damaged = dir.File("corrupt.scap");
        File.WriteAllBytes(damaged, plain);

        AssertDamaged(whole, damaged, expectedEvents: index, expectedOffset: badBlock);
    }

    private static (int ExitCode, string Output, string Error) Inspect(string path)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int rc = InspectCommand.Run(new InspectRequest { CapturePath = path, Format = "%evt.num", FileNumbers = true },
            new ConsoleStreams(output, error, Stream.Null), CancellationToken.None);
        return (rc, output.ToString(), error.ToString());
    }

    private static long[] Numbers(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => long.Parse(n, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>
    /// <paramref name="damaged"/> is <paramref name="whole"/> with a fault in the block of event
    /// <paramref name="expectedEvents"/> + 1, at <paramref name="expectedOffset"/>.
    /// </summary>
    private static void AssertDamaged(string whole, string damaged, int expectedEvents, long expectedOffset)
    {
        (int wholeRc, string wholeOutput, _) = Inspect(whole);
        Assert.Equal(ExitCodes.Success, wholeRc);
        (int rc, string output, string error) = Inspect(damaged);

        Assert.Equal(ExitCodes.Failure, rc);
        string[] errorLines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(errorLines);
        // The fault's own offset, not a number that merely starts with it.
        Assert.Matches($@"offset {expectedOffset}(?![0-9])", errorLines[0]);

        // Exactly what the undamaged capture prints up to the fault: every good event before it, none after.
        long[] expected = [.. Numbers(wholeOutput).Where(n => n <= expectedEvents)];
        Assert.NotEmpty(expected);
        Assert.Equal(expected, Numbers(output));
    }

    /// <summary>The decompressed bytes of a capture and the offsets of its event blocks, found by reading it.</summary>
    private static (byte[] Plain, List<long> EventBlockStarts) Decompress(string path)
    {
        using var input = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        input.CopyTo(buffer);
        byte[] plain = buffer.ToArray();

        var starts = new List<long>();
        using ScapReader reader = new(new MemoryStream(plain), "plain");
        reader.ReadHeader(new ScapSnapshot());
        var evt = new ScapEvent();
        long blockStart = reader.Position;
        while (reader.TryReadEvent(evt))
        {
            starts.Add(blockStart);
            blockStart = reader.Position;
        }
        return (plain, starts);
    }
}
