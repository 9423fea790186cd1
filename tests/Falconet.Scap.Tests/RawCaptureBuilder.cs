using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Falconet.Core.Events;

namespace Falconet.Scap.Tests;

/// <summary>
/// Writes capture bytes block by block, independently of <see cref="ScapWriter"/>, so reader tests can produce
/// what our writer never would: v1 event headers, legacy ids, old PL versions, bad lengths and trailers.
/// </summary>
internal sealed class RawCaptureBuilder
{
    private readonly MemoryStream _out = new();

    /// <summary>Start offset of every block written, in order.</summary>
    public List<long> BlockOffsets { get; } = [];

    public long Length => _out.Length;

    public RawCaptureBuilder SectionHeader(ushort major = 1, ushort minor = 2, uint magic = 0x1A2B3C4D, byte[]? options = null)
    {
        var body = new BodyWriter().U32(magic).U16(major).U16(minor).I64(-1);
        if (options is not null)
        {
            body.Bytes(options);
        }
        return Block(ScapBlockTypes.SectionHeader, body.ToArray());
    }

    public RawCaptureBuilder MachineInfo(uint cpus = 2, string hostname = "raw-host")
    {
        byte[] host = new byte[128];
        Encoding.UTF8.GetBytes(hostname, host);
        return Block(ScapBlockTypes.MachineInfo, new BodyWriter().U32(cpus).U64(1UL << 30).U64(32768).Bytes(host).U64(42).U64(0).U64(0).U64(0).ToArray());
    }

    /// <summary>A block; the body is zero-padded to 4 bytes. Overrides corrupt the length field or the trailer.</summary>
    public RawCaptureBuilder Block(uint type, ReadOnlySpan<byte> body, uint? lengthOverride = null, uint? trailerOverride = null)
    {
        int padded = (body.Length + 3) & ~3;
        uint length = (uint)(8 + padded + 4);
        BlockOffsets.Add(_out.Length);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, type);
        _out.Write(word);
        BinaryPrimitives.WriteUInt32LittleEndian(word, lengthOverride ?? length);
        _out.Write(word);
        _out.Write(body);
        _out.Write(new byte[padded - body.Length]);
        BinaryPrimitives.WriteUInt32LittleEndian(word, trailerOverride ?? length);
        _out.Write(word);
        return this;
    }

    /// <summary>An event block with a v2 (26-byte, with nparams) or v1 (22-byte) event header.</summary>
    public RawCaptureBuilder Event(ushort type, ulong ts, long tid, byte[][] parameters, ushort cpu = 0, uint? flags = null,
        bool v1Header = false, uint? blockType = null, byte[]? trailing = null, uint? nparamsOverride = null, int lengthDelta = 0)
    {
        var body = new BodyWriter().U16(cpu);
        if (flags is { } f)
        {
            body.U32(f);
        }
        body.Bytes(EncodeEvent(type, ts, tid, parameters, v1Header, nparamsOverride, lengthDelta));
        if (trailing is not null)
        {
            body.Bytes(trailing);
        }
        bool large = EventTable.IsKnown(type) && EventTable.Get(type).IsLargePayload;
        uint chosen = blockType ?? (v1Header
            ? (flags is null ? ScapBlockTypes.EventV1 : ScapBlockTypes.EventFlagsV1)
            : large
                ? (flags is null ? ScapBlockTypes.EventV2Large : ScapBlockTypes.EventFlagsV2Large)
                : (flags is null ? ScapBlockTypes.EventV2 : ScapBlockTypes.EventFlagsV2));
        return Block(chosen, body.ToArray());
    }

    /// <summary>The event bytes; <paramref name="lengthDelta"/> is added to the header's len field (libscap's v1 quirk, corruption).</summary>
    public static byte[] EncodeEvent(ushort type, ulong ts, long tid, byte[][] parameters, bool v1Header, uint? nparamsOverride = null, int lengthDelta = 0)
    {
        bool large = EventTable.IsKnown(type) && EventTable.Get(type).IsLargePayload;
        int width = large ? 4 : 2;
        int headerSize = v1Header ? 22 : 26;
        int length = headerSize + (parameters.Length * width) + parameters.Sum(p => p.Length);
        var w = new BodyWriter().U64(ts).I64(tid).U32((uint)(length + lengthDelta)).U16(type);
        if (!v1Header)
        {
            w.U32(nparamsOverride ?? (uint)parameters.Length);
        }
        foreach (byte[] p in parameters)
        {
            if (large)
            {
                w.U32((uint)p.Length);
            }
            else
            {
                w.U16((ushort)p.Length);
            }
        }
        foreach (byte[] p in parameters)
        {
            w.Bytes(p);
        }
        return w.ToArray();
    }

    public byte[] ToArray() => _out.ToArray();

    public static byte[] Gzip(ReadOnlySpan<byte> data)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }
        return output.ToArray();
    }

    public static byte[] I64(long v)
    {
        byte[] b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        return b;
    }

    public static byte[] U32(uint v)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    public static byte[] Str(string s) => Encoding.UTF8.GetBytes(s + "\0");
}

/// <summary>Little-endian body bytes.</summary>
internal sealed class BodyWriter
{
    private readonly MemoryStream _out = new();

    public BodyWriter U8(byte v)
    {
        _out.WriteByte(v);
        return this;
    }

    public BodyWriter U16(ushort v) => Fixed(2, b => BinaryPrimitives.WriteUInt16LittleEndian(b, v));

    public BodyWriter U32(uint v) => Fixed(4, b => BinaryPrimitives.WriteUInt32LittleEndian(b, v));

    public BodyWriter U64(ulong v) => Fixed(8, b => BinaryPrimitives.WriteUInt64LittleEndian(b, v));

    public BodyWriter I64(long v) => Fixed(8, b => BinaryPrimitives.WriteInt64LittleEndian(b, v));

    public BodyWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        _out.Write(bytes);
        return this;
    }

    /// <summary>u16 length + bytes, no NUL.</summary>
    public BodyWriter Str16(string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        return U16((ushort)bytes.Length).Bytes(bytes);
    }

    public int Length => (int)_out.Length;

    public byte[] ToArray() => _out.ToArray();

    private BodyWriter Fixed(int size, Action<Span<byte>> write)
    {
        byte[] b = new byte[size];
        write(b);
        return Bytes(b);
    }
}
