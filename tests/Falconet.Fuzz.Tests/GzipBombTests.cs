using System.IO.Compression;
using Falconet.Core.Events;
using Falconet.Scap.Tests;
using Falconet.State;
using static Falconet.Scap.Tests.RawCaptureBuilder;

namespace Falconet.Fuzz.Tests;

/// <summary>The gzip bomb, alone in its collection because it measures the heap.</summary>
[Collection(MemoryMeasuringCollection.Name)]
public sealed class GzipBombTests
{
    private const ulong Ts = 1_700_000_000_000_000_000;
    private const ushort OpenatExit = 307;

    [Fact]
    public void A_gzip_bomb_is_read_with_bounded_memory()
    {
        // 2 million good events (about 120 MB decompressed) from a small gzip member, then damage: the reader streams
        // it (memory stays bounded by its block buffer) and reports the damage after every good event.
        var head = new RawCaptureBuilder().SectionHeader().MachineInfo();
        head.Event(OpenatExit, Ts + 1, 100, [I64(3), I64(-100), Str("/etc/a"), U32(1), U32(0), U32(0)]);
        head.Event(OpenatExit, Ts + 2, 100, [I64(4), I64(-100), Str("/etc/b"), U32(1), U32(0), U32(0)]);
        byte[] block = new RawCaptureBuilder().Event(5, Ts + 5, 100, [I64(0), I64(9)]).ToArray();
        const int copies = 2_000_000;
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(head.ToArray());
            var chunk = new byte[block.Length * 10_000];
            for (int i = 0; i < 10_000; i++)
            {
                block.CopyTo(chunk, i * block.Length);
            }
            for (int i = 0; i < copies / 10_000; i++)
            {
                gzip.Write(chunk);
            }
            gzip.Write(new byte[1 << 20]); // a megabyte of zeros: a block of type 0 and length 0
        }
        Assert.True(compressed.Length < 8 << 20, $"the bomb is {compressed.Length} bytes compressed");

        compressed.Position = 0;
        GC.Collect();
        long before = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        long events = 0;
        var evt = new ScapEvent();
        using var reader = new ScapReader(compressed, "bomb.scap.gz");
        ScapFormatException error = Assert.Throws<ScapFormatException>(() =>
        {
            reader.ReadHeader(new SystemState());
            while (reader.TryReadEvent(evt))
            {
                if (++events % 100_000 == 0)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - before);
                }
            }
        });
        Assert.Equal(2 + copies, events);
        Assert.Equal(head.Length + ((long)block.Length * copies), error.Offset);
        Assert.True(peak < 64L << 20, $"heap grew by {peak} bytes while reading the bomb");
    }
}
