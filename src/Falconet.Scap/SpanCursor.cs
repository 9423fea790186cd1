using System.Buffers.Binary;
using System.Text;

namespace Falconet.Scap;

/// <summary>Raised inside block parsing; the reader turns it into a <see cref="ScapFormatException"/> with the block's position.</summary>
internal sealed class MalformedBlockException(string message) : Exception(message);

/// <summary>Little-endian reads over a block body with bounds checks that name the field being read.</summary>
internal ref struct SpanCursor
{
    private readonly ReadOnlySpan<byte> _data;

    public SpanCursor(ReadOnlySpan<byte> data)
    {
        _data = data;
        Offset = 0;
    }

    public int Offset { get; set; }

    public readonly int Remaining => _data.Length - Offset;

    public readonly ReadOnlySpan<byte> Data => _data;

    public byte U8(string field) => Take(1, field)[0];

    public ushort U16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));

    public uint U32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public ulong U64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    public long I64(string field) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, field));

    public ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count < 0 || count > Remaining)
        {
            throw new MalformedBlockException($"{field} at body offset {Offset} needs {count} bytes, only {Remaining} left");
        }
        ReadOnlySpan<byte> result = _data.Slice(Offset, count);
        Offset += count;
        return result;
    }

    /// <summary>A <c>u16 length</c> + bytes string without NUL; trailing NULs some writers leave are dropped.</summary>
    public string Str16(string field, int maxLength)
    {
        int start = Offset;
        ushort length = U16(field + " length");
        if (length > maxLength)
        {
            throw new MalformedBlockException($"{field} length {length} at body offset {start} exceeds the limit of {maxLength}");
        }
        ReadOnlySpan<byte> bytes = Take(length, field);
        int end = bytes.Length;
        while (end > 0 && bytes[end - 1] == 0)
        {
            end--;
        }
        return Encoding.UTF8.GetString(bytes[..end]);
    }

    /// <summary>A str16 holding a NUL-list (args, env, cgroups): each item ends with NUL.</summary>
    public string[] NulList16(string field, int maxLength)
    {
        int start = Offset;
        ushort length = U16(field + " length");
        if (length > maxLength)
        {
            throw new MalformedBlockException($"{field} length {length} at body offset {start} exceeds the limit of {maxLength}");
        }
        return SplitNulList(Take(length, field));
    }

    public static string[] SplitNulList(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return [];
        }
        if (bytes[^1] == 0)
        {
            bytes = bytes[..^1];
        }
        return Encoding.UTF8.GetString(bytes).Split('\0');
    }
}
