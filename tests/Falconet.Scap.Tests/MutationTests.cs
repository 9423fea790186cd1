using Falconet.Core.Events;
using Falconet.TestKit;
using static Falconet.Scap.Tests.RawCaptureBuilder;

namespace Falconet.Scap.Tests;

/// <summary>Damaged input must end in a <see cref="ScapFormatException"/> (or read cleanly), never in another exception.</summary>
public sealed class MutationTests
{
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

    private static void ReadToEndOrFormatError(byte[] bytes)
    {
        try
        {
            using var reader = new ScapReader(new MemoryStream(bytes), "mutant.scap");
            reader.ReadHeader(new RecordingSink());
            var evt = new ScapEvent();
            while (reader.TryReadEvent(evt))
            {
                for (int i = 0; i < evt.ParamCount; i++)
                {
                    _ = evt.GetParam(i).Length;
                }
            }
        }
        catch (ScapFormatException ex)
        {
            Assert.StartsWith("mutant.scap: ", ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
        }
    }

    [Fact]
    public void Byte_flips_in_a_synthetic_capture()
    {
        byte[] original = SyntheticCapture();
        ReadToEndOrFormatError(original);
        var random = new Random(1234);
        for (int round = 0; round < 2000; round++)
        {
            byte[] mutant = (byte[])original.Clone();
            int flips = 1 + random.Next(4);
            for (int i = 0; i < flips; i++)
            {
                mutant[random.Next(mutant.Length)] = (byte)random.Next(256);
            }
            ReadToEndOrFormatError(mutant);
        }
    }

    [Fact]
    public void Every_truncation_of_a_synthetic_capture()
    {
        byte[] original = SyntheticCapture();
        for (int length = 0; length < original.Length; length += 3)
        {
            ReadToEndOrFormatError(original[..length]);
        }
    }

    [Fact]
    public void Byte_flips_in_gzip_data()
    {
        byte[] gz = Gzip(SyntheticCapture());
        var random = new Random(99);
        for (int round = 0; round < 300; round++)
        {
            byte[] mutant = (byte[])gz.Clone();
            mutant[2 + random.Next(mutant.Length - 2)] ^= (byte)(1 + random.Next(255));
            ReadToEndOrFormatError(mutant);
        }
    }

    [Fact]
    public void Byte_flips_in_a_shared_capture_header()
    {
        SharedData.SkipIfAbsent();
        byte[] plain = ReaderErrorTests.Decompress(File.ReadAllBytes(SharedData.Capture("syscall")));
        var random = new Random(7);
        int headerEnd = Math.Min(plain.Length, 40_000);
        for (int round = 0; round < 100; round++)
        {
            byte[] mutant = (byte[])plain.Clone();
            mutant[random.Next(headerEnd)] = (byte)random.Next(256);
            ReadToEndOrFormatError(mutant);
        }
    }
}
