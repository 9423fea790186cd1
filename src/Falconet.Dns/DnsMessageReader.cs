using System.Buffers.Binary;

namespace Falconet.Dns;

/// <summary>The fixed 12-byte header of a DNS message.</summary>
/// <param name="Id">Transaction id.</param>
/// <param name="Flags">The flags word: QR, opcode, AA, TC, RD, RA, Z and RCODE.</param>
/// <param name="QuestionCount">QDCOUNT.</param>
/// <param name="AnswerCount">ANCOUNT.</param>
/// <param name="AuthorityCount">NSCOUNT.</param>
/// <param name="AdditionalCount">ARCOUNT.</param>
public readonly record struct DnsHeader(ushort Id, ushort Flags, ushort QuestionCount, ushort AnswerCount, ushort AuthorityCount, ushort AdditionalCount)
{
    /// <summary>Header length on the wire.</summary>
    public const int Length = 12;

    /// <summary>QR: the message is a response.</summary>
    public bool IsResponse => (Flags & 0x8000) != 0;

    /// <summary>The opcode (0 is a standard query).</summary>
    public int Opcode => (Flags >> 11) & 0xF;

    /// <summary>TC: the server truncated the message (the client is expected to retry over TCP).</summary>
    public bool IsTruncated => (Flags & 0x0200) != 0;

    /// <summary>The response code (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, ...).</summary>
    public int ResponseCode => Flags & 0xF;
}

/// <summary>A question: the name is decoded into the caller's buffer.</summary>
/// <param name="NameLength">Bytes of the decoded name in the buffer passed to <see cref="DnsMessageReader.TryReadQuestion"/>.</param>
/// <param name="Type">QTYPE.</param>
/// <param name="Class">QCLASS.</param>
public readonly record struct DnsQuestion(int NameLength, ushort Type, ushort Class);

/// <summary>
/// A resource record as offsets into the message: nothing is decoded or copied until asked, so skipping a record of a
/// type nobody needs costs nothing.
/// </summary>
/// <param name="NameOffset">Where the owner name starts (pass to <see cref="DnsMessageReader.TryDecodeName"/>).</param>
/// <param name="Type">TYPE (see <see cref="DnsRecordType"/>).</param>
/// <param name="Class">CLASS (1 is IN).</param>
/// <param name="Ttl">TTL in seconds; values with the top bit set are read as 0, as RFC 2181 says.</param>
/// <param name="DataOffset">Where RDATA starts.</param>
/// <param name="DataLength">RDLENGTH.</param>
public readonly record struct DnsRecord(int NameOffset, ushort Type, ushort Class, uint Ttl, int DataOffset, int DataLength);

/// <summary>
/// A forward-only reader of one DNS message (the payload of a UDP datagram, or one TCP message without its length
/// prefix). It never throws on bad input: a read that meets a bad or missing byte returns false and sets
/// <see cref="Status"/>, and whatever was read before stays valid. It reads the question and answer sections only;
/// authority and additional records are not trusted for address mappings and are not read.
/// Names are decoded lowercase, dot-separated, without the trailing dot (the root is the empty name).
/// </summary>
public ref struct DnsMessageReader
{
    /// <summary>The longest name on the wire (RFC 1035) and so the longest decoded name (254 bytes, fewer in practice).</summary>
    public const int MaxNameLength = 255;

    private readonly ReadOnlySpan<byte> _message;
    private int _position;
    private int _questionsLeft;
    private int _answersLeft;

    /// <summary>Reads the header; <see cref="Status"/> is <see cref="DnsParseStatus.Truncated"/> when there is none.</summary>
    public DnsMessageReader(ReadOnlySpan<byte> message)
    {
        _message = message;
        if (message.Length < DnsHeader.Length)
        {
            Status = DnsParseStatus.Truncated;
            return;
        }
        Header = new DnsHeader(
            BinaryPrimitives.ReadUInt16BigEndian(message),
            BinaryPrimitives.ReadUInt16BigEndian(message[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[4..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[6..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[8..]),
            BinaryPrimitives.ReadUInt16BigEndian(message[10..]));
        HasHeader = true;
        _position = DnsHeader.Length;
        _questionsLeft = Header.QuestionCount;
        _answersLeft = Header.AnswerCount;
    }

    /// <summary>The header; default when <see cref="HasHeader"/> is false.</summary>
    public DnsHeader Header { get; }

    /// <summary>Whether the message was long enough for a header.</summary>
    public bool HasHeader { get; }

    /// <summary>Ok, or the reason the last read stopped.</summary>
    public DnsParseStatus Status { get; private set; }

    /// <summary>The whole message the reader was made over.</summary>
    public readonly ReadOnlySpan<byte> Message => _message;

    /// <summary>
    /// Reads the next question, decoding its name into <paramref name="nameBuffer"/> (at least
    /// <see cref="MaxNameLength"/> bytes avoids <see cref="DnsParseStatus.NameTooLong"/> on valid names).
    /// False when no question is left or on a bad byte (<see cref="Status"/> tells which).
    /// </summary>
    public bool TryReadQuestion(scoped Span<byte> nameBuffer, out DnsQuestion question)
    {
        question = default;
        if (Status != DnsParseStatus.Ok || _questionsLeft == 0)
        {
            return false;
        }
        int start = _position;
        if (!TrySkipName(ref _position) || !TryDecodeNameCore(start, nameBuffer, out int length))
        {
            return false;
        }
        if (_message.Length - _position < 4)
        {
            return Fail(DnsParseStatus.Truncated);
        }
        question = new DnsQuestion(length, BinaryPrimitives.ReadUInt16BigEndian(_message[_position..]), BinaryPrimitives.ReadUInt16BigEndian(_message[(_position + 2)..]));
        _position += 4;
        _questionsLeft--;
        return true;
    }

    /// <summary>
    /// Reads the next answer record, first skipping any question not read yet. False when no answer is left or on a
    /// bad byte (<see cref="Status"/> tells which). A record is returned only when all its bytes are present.
    /// </summary>
    public bool TryReadAnswer(out DnsRecord record)
    {
        record = default;
        if (Status != DnsParseStatus.Ok)
        {
            return false;
        }
        while (_questionsLeft > 0)
        {
            if (!TrySkipName(ref _position))
            {
                return false;
            }
            if (_message.Length - _position < 4)
            {
                return Fail(DnsParseStatus.Truncated);
            }
            _position += 4;
            _questionsLeft--;
        }
        if (_answersLeft == 0)
        {
            return false;
        }
        int nameOffset = _position;
        int p = _position;
        if (!TrySkipName(ref p))
        {
            return false;
        }
        if (_message.Length - p < 10)
        {
            return Fail(DnsParseStatus.Truncated);
        }
        ReadOnlySpan<byte> fixedPart = _message.Slice(p, 10);
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(fixedPart);
        ushort cls = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[2..]);
        uint ttl = BinaryPrimitives.ReadUInt32BigEndian(fixedPart[4..]);
        int dataLength = BinaryPrimitives.ReadUInt16BigEndian(fixedPart[8..]);
        int dataOffset = p + 10;
        if (_message.Length - dataOffset < dataLength)
        {
            return Fail(DnsParseStatus.Truncated);
        }
        if ((type == DnsRecordType.A && dataLength != 4) || (type == DnsRecordType.Aaaa && dataLength != 16))
        {
            return Fail(DnsParseStatus.BadRecordData);
        }
        if (ttl > int.MaxValue)
        {
            ttl = 0;
        }
        _position = dataOffset + dataLength;
        _answersLeft--;
        record = new DnsRecord(nameOffset, type, cls, ttl, dataOffset, dataLength);
        return true;
    }

    /// <summary>The RDATA bytes of a record read by this reader.</summary>
    public readonly ReadOnlySpan<byte> GetData(in DnsRecord record) => _message.Slice(record.DataOffset, record.DataLength);

    /// <summary>
    /// Decodes the (possibly compressed) name at <paramref name="offset"/> of the message: a record's
    /// <see cref="DnsRecord.NameOffset"/>, or the <see cref="DnsRecord.DataOffset"/> of a CNAME. Sets
    /// <see cref="Status"/> on failure.
    /// </summary>
    public bool TryDecodeName(int offset, scoped Span<byte> destination, out int length)
    {
        length = 0;
        return Status == DnsParseStatus.Ok && TryDecodeNameCore(offset, destination, out length);
    }

    private bool Fail(DnsParseStatus status)
    {
        Status = status;
        return false;
    }

    // Moves past the name at position in the record stream: its labels up to the terminating zero or first pointer.
    private bool TrySkipName(ref int position)
    {
        int p = position;
        while (true)
        {
            if (p >= _message.Length)
            {
                return Fail(DnsParseStatus.Truncated);
            }
            byte b = _message[p];
            switch (b & 0xC0)
            {
                case 0x00:
                    if (b == 0)
                    {
                        position = p + 1;
                        return true;
                    }
                    p += 1 + b;
                    break;
                case 0xC0:
                    if (p + 1 >= _message.Length)
                    {
                        return Fail(DnsParseStatus.Truncated);
                    }
                    position = p + 2;
                    return true;
                default:
                    return Fail(DnsParseStatus.BadLabel);
            }
        }
    }

    // Follows labels and pointers. A pointer must point strictly before itself, so every jump moves backwards and the
    // walk ends after at most (message length) steps: a loop cannot be followed, it is reported.
    private bool TryDecodeNameCore(int offset, scoped Span<byte> destination, out int length)
    {
        length = 0;
        int written = 0;
        int wireLength = 0;
        int p = offset;
        while (true)
        {
            if ((uint)p >= (uint)_message.Length)
            {
                return Fail(DnsParseStatus.Truncated);
            }
            byte b = _message[p];
            switch (b & 0xC0)
            {
                case 0x00:
                    if (b == 0)
                    {
                        length = written;
                        return true;
                    }
                    wireLength += b + 1;
                    if (wireLength + 1 > MaxNameLength)
                    {
                        return Fail(DnsParseStatus.NameTooLong);
                    }
                    if (_message.Length - (p + 1) < b)
                    {
                        return Fail(DnsParseStatus.Truncated);
                    }
                    int needed = b + (written > 0 ? 1 : 0);
                    if (destination.Length - written < needed)
                    {
                        return Fail(DnsParseStatus.NameTooLong);
                    }
                    if (written > 0)
                    {
                        destination[written++] = (byte)'.';
                    }
                    foreach (byte c in _message.Slice(p + 1, b))
                    {
                        if (c <= 0x20 || c >= 0x7F || c == (byte)'.')
                        {
                            return Fail(DnsParseStatus.BadLabel);
                        }
                        destination[written++] = c is >= (byte)'A' and <= (byte)'Z' ? (byte)(c | 0x20) : c;
                    }
                    p += 1 + b;
                    break;
                case 0xC0:
                    if (p + 1 >= _message.Length)
                    {
                        return Fail(DnsParseStatus.Truncated);
                    }
                    int target = ((b & 0x3F) << 8) | _message[p + 1];
                    if (target >= p)
                    {
                        return Fail(target >= _message.Length ? DnsParseStatus.BadPointer : DnsParseStatus.PointerLoop);
                    }
                    p = target;
                    break;
                default:
                    return Fail(DnsParseStatus.BadLabel);
            }
        }
    }
}
