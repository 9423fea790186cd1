using System.Buffers.Binary;

namespace Falconet.Dns;

/// <summary>
/// Writes DNS messages into a caller's buffer: the resolver's queries, and answers for tests, the corpus and the
/// benchmarks. Names are written uncompressed unless a record is told to point back at the first question's name
/// (offset 12), which is how nearly every server answers. Throws <see cref="ArgumentException"/> when the buffer or a
/// name is too small or too long: what it writes is always well formed.
/// </summary>
public ref struct DnsMessageWriter
{
    /// <summary>Offset of the first question's name: what a compression pointer to it points at.</summary>
    public const int QuestionNameOffset = DnsHeader.Length;

    private readonly Span<byte> _buffer;
    private int _length;

    /// <summary>A writer at the start of <paramref name="buffer"/>.</summary>
    public DnsMessageWriter(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _length;

    /// <summary>The message written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    /// <summary>Writes a header; the counts must match what follows.</summary>
    public void WriteHeader(in DnsHeader header)
    {
        Span<byte> h = Reserve(DnsHeader.Length);
        BinaryPrimitives.WriteUInt16BigEndian(h, header.Id);
        BinaryPrimitives.WriteUInt16BigEndian(h[2..], header.Flags);
        BinaryPrimitives.WriteUInt16BigEndian(h[4..], header.QuestionCount);
        BinaryPrimitives.WriteUInt16BigEndian(h[6..], header.AnswerCount);
        BinaryPrimitives.WriteUInt16BigEndian(h[8..], header.AuthorityCount);
        BinaryPrimitives.WriteUInt16BigEndian(h[10..], header.AdditionalCount);
    }

    /// <summary>Writes a question of class IN.</summary>
    public void WriteQuestion(ReadOnlySpan<char> name, ushort type)
    {
        WriteName(name);
        Span<byte> q = Reserve(4);
        BinaryPrimitives.WriteUInt16BigEndian(q, type);
        BinaryPrimitives.WriteUInt16BigEndian(q[2..], 1);
    }

    /// <summary>Writes an A (4 bytes) or AAAA (16 bytes) record of class IN owned by <paramref name="owner"/>.</summary>
    public void WriteAddress(ReadOnlySpan<char> owner, DnsAddress address, uint ttl)
    {
        WriteName(owner);
        WriteAddressBody(address, ttl);
    }

    /// <summary>Writes an A or AAAA record whose owner is a pointer to the first question's name.</summary>
    public void WriteAddressForQuestion(DnsAddress address, uint ttl)
    {
        WritePointer(QuestionNameOffset);
        WriteAddressBody(address, ttl);
    }

    /// <summary>Writes a CNAME record: <paramref name="owner"/> is an alias of <paramref name="target"/>.</summary>
    public void WriteCname(ReadOnlySpan<char> owner, ReadOnlySpan<char> target, uint ttl)
    {
        WriteName(owner);
        WriteFixed(DnsRecordType.Cname, ttl);
        int lengthAt = _length;
        Reserve(2);
        WriteName(target);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[lengthAt..], (ushort)(_length - lengthAt - 2));
    }

    /// <summary>Writes an uncompressed name (a trailing dot is allowed; the empty name is the root).</summary>
    public void WriteName(ReadOnlySpan<char> name)
    {
        name = DomainNames.Normalize(name);
        if (name.Length > 253)
        {
            throw new ArgumentException($"name '{name}' is longer than 253 characters", nameof(name));
        }
        while (!name.IsEmpty)
        {
            int dot = name.IndexOf('.');
            ReadOnlySpan<char> label = dot < 0 ? name : name[..dot];
            if (label.IsEmpty || label.Length > 63)
            {
                throw new ArgumentException($"name '{name}' has an empty label or one longer than 63 characters", nameof(name));
            }
            Span<byte> l = Reserve(1 + label.Length);
            l[0] = (byte)label.Length;
            for (int i = 0; i < label.Length; i++)
            {
                if (label[i] > 0x7F)
                {
                    throw new ArgumentException($"name '{name}' is not ASCII", nameof(name));
                }
                l[1 + i] = (byte)label[i];
            }
            name = dot < 0 ? default : name[(dot + 1)..];
        }
        Reserve(1)[0] = 0;
    }

    /// <summary>Writes a compression pointer to <paramref name="offset"/> (which a reader accepts only if it is earlier).</summary>
    public void WritePointer(int offset)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, 0x3FFF);
        BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), (ushort)(0xC000 | offset));
    }

    /// <summary>Writes raw bytes (for malformed test messages).</summary>
    public void WriteBytes(scoped ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>Writes a standard recursive query (RD set) for <paramref name="name"/> and returns its length.</summary>
    public static int WriteQuery(Span<byte> buffer, ushort id, ReadOnlySpan<char> name, ushort type)
    {
        var writer = new DnsMessageWriter(buffer);
        writer.WriteHeader(new DnsHeader(id, 0x0100, 1, 0, 0, 0));
        writer.WriteQuestion(name, type);
        return writer.Length;
    }

    private void WriteAddressBody(DnsAddress address, uint ttl)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.WriteBytes(bytes);
        if (address.IsIPv4)
        {
            WriteFixed(DnsRecordType.A, ttl);
            BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), 4);
            WriteBytes(bytes[12..]);
        }
        else
        {
            WriteFixed(DnsRecordType.Aaaa, ttl);
            BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), 16);
            WriteBytes(bytes);
        }
    }

    private void WriteFixed(ushort type, uint ttl)
    {
        Span<byte> f = Reserve(8);
        BinaryPrimitives.WriteUInt16BigEndian(f, type);
        BinaryPrimitives.WriteUInt16BigEndian(f[2..], 1);
        BinaryPrimitives.WriteUInt32BigEndian(f[4..], ttl);
    }

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            throw new ArgumentException($"the buffer of {_buffer.Length} bytes is too small for the message");
        }
        Span<byte> span = _buffer.Slice(_length, count);
        _length += count;
        return span;
    }
}
