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
        File.WriteAllBytes(damaged, plain.AsSpan(0, (int)cutBlock + 30).ToArray());

        AssertDamaged(damaged, expectedEvents: eventBlockStarts.Count / 2, expectedOffset: cutBlock);
    }

    [Fact]
    public void CorruptBlockLengthPrintsEveryEventBeforeItThenTheOffset()
    {
        SharedData.SkipIfAbsent();
        using var dir = new TempDirectory();
        (byte[] plain, List<long> eventBlockStarts) = Decompress(SharedData.Capture("test_ipv6_client"));
        int index = eventBlockStarts.Count * 2 / 3;
        long badBlock = eventBlockStarts[index];
        BinaryPrimitives.WriteUInt32LittleEndian(plain.AsSpan((int)badBlock + 4), 0xFFFFFF01);
        string damaged = dir.File("corrupt.scap");
        File.WriteAllBytes(damaged, plain);

        AssertDamaged(damaged, expectedEvents: index, expectedOffset: badBlock);
    }

    private static void AssertDamaged(string path, int expectedEvents, long expectedOffset)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int rc = InspectCommand.Run(new InspectRequest { CapturePath = path, Format = "%evt.num", FileNumbers = true },
            new ConsoleStreams(output, error, Stream.Null), CancellationToken.None);

        Assert.Equal(ExitCodes.Failure, rc);
        string[] errorLines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(errorLines);
        Assert.Contains(expectedOffset.ToString(System.Globalization.CultureInfo.InvariantCulture), errorLines[0], StringComparison.Ordinal);
        Assert.Contains("offset", errorLines[0], StringComparison.Ordinal);

        // Every event the reader delivered before the fault that rules would see was printed, the last one included.
        long[] printed = [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse)];
        Assert.NotEmpty(printed);
        Assert.True(printed[^1] <= expectedEvents, $"printed event {printed[^1]} lies past the fault (event {expectedEvents + 1})");
        Assert.True(printed[^1] >= expectedEvents - 10, $"the last printed event {printed[^1]} is far before the fault at event {expectedEvents + 1}");
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
