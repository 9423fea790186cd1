namespace Falconet.Dns;

/// <summary>
/// The address-relevant content of one DNS response: the queried name, the CNAME records and the A/AAAA records of the
/// answer section, with owner names decoded once. One instance is reused for message after message (its buffers grow to
/// the largest answer seen and are then kept), so parsing allocates nothing once warm. Not thread-safe: one per thread.
/// </summary>
public sealed class DnsResponse
{
    /// <summary>Answer records beyond this many are not read (the status stays what the records read gave).</summary>
    public const int MaxRecords = 256;

    private readonly byte[] _scratch = new byte[DnsMessageReader.MaxNameLength];
    private char[] _chars = new char[1024];
    private int _charCount;
    private (int Start, int Length)[] _names = new (int, int)[16];
    private int _nameCount;
    private AddressRecord[] _addresses = new AddressRecord[8];
    private CnameRecord[] _cnames = new CnameRecord[8];

    /// <summary>How the last <see cref="Parse"/> ended.</summary>
    public DnsParseStatus Status { get; private set; }

    /// <summary>The header of the last message (default when it had none).</summary>
    public DnsHeader Header { get; private set; }

    /// <summary>Index of the first question's name (see <see cref="GetName"/>), or -1 when there was none.</summary>
    public int QuestionName { get; private set; } = -1;

    /// <summary>QTYPE of the first question (0 when there was none).</summary>
    public ushort QuestionType { get; private set; }

    /// <summary>A and AAAA records read from the answer section.</summary>
    public int AddressCount { get; private set; }

    /// <summary>CNAME records read from the answer section.</summary>
    public int CnameCount { get; private set; }

    /// <summary>The decoded name with this index: lowercase, without the trailing dot.</summary>
    public ReadOnlySpan<char> GetName(int index)
    {
        (int start, int length) = _names[index];
        return _chars.AsSpan(start, length);
    }

    /// <summary>The i-th A or AAAA record.</summary>
    public AddressRecord GetAddress(int i) => _addresses[i];

    /// <summary>The i-th CNAME record.</summary>
    public CnameRecord GetCname(int i) => _cnames[i];

    /// <summary>
    /// Parses <paramref name="message"/>, replacing what the previous call held. Returns <see cref="Status"/>; records
    /// read before a bad byte are kept, so a truncated response still yields its complete records. Class IN only.
    /// </summary>
    public DnsParseStatus Parse(ReadOnlySpan<byte> message)
    {
        _charCount = 0;
        _nameCount = 0;
        AddressCount = 0;
        CnameCount = 0;
        QuestionName = -1;
        QuestionType = 0;
        var reader = new DnsMessageReader(message);
        Header = reader.Header;
        if (!reader.HasHeader)
        {
            return Status = reader.Status;
        }
        if (!reader.Header.IsResponse || reader.Header.Opcode != 0)
        {
            return Status = DnsParseStatus.NotResponse;
        }
        if (reader.TryReadQuestion(_scratch, out DnsQuestion question))
        {
            QuestionName = AddName(_scratch.AsSpan(0, question.NameLength));
            QuestionType = question.Type;
        }
        int read = 0;
        while (read < MaxRecords && reader.TryReadAnswer(out DnsRecord record))
        {
            read++;
            if (record.Class != 1 || record.Type is not (DnsRecordType.A or DnsRecordType.Aaaa or DnsRecordType.Cname))
            {
                continue;
            }
            if (!reader.TryDecodeName(record.NameOffset, _scratch, out int ownerLength))
            {
                break;
            }
            int owner = AddName(_scratch.AsSpan(0, ownerLength));
            if (record.Type == DnsRecordType.Cname)
            {
                if (!reader.TryDecodeName(record.DataOffset, _scratch, out int targetLength))
                {
                    break;
                }
                int target = AddName(_scratch.AsSpan(0, targetLength));
                Append(ref _cnames, CnameCount++, new CnameRecord(owner, target, record.Ttl));
            }
            else
            {
                DnsAddress address = DnsAddress.FromBytes(reader.GetData(record));
                Append(ref _addresses, AddressCount++, new AddressRecord(owner, address, record.Ttl));
            }
        }
        return Status = reader.Status;
    }

    /// <summary>
    /// The index of the CNAME whose target is <paramref name="name"/> (an alias of it), searching from
    /// <paramref name="start"/>; -1 when none.
    /// </summary>
    public int FindAliasOf(int name, int start = 0)
    {
        for (int i = start; i < CnameCount; i++)
        {
            if (_cnames[i].Target == name)
            {
                return i;
            }
        }
        return -1;
    }

    // Names are deduplicated within a message, so a CNAME chain can be followed by comparing indexes.
    private int AddName(ReadOnlySpan<byte> ascii)
    {
        for (int i = 0; i < _nameCount; i++)
        {
            ReadOnlySpan<char> existing = GetName(i);
            if (existing.Length == ascii.Length && SameAscii(existing, ascii))
            {
                return i;
            }
        }
        if (_chars.Length - _charCount < ascii.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + ascii.Length));
        }
        for (int i = 0; i < ascii.Length; i++)
        {
            _chars[_charCount + i] = (char)ascii[i];
        }
        Append(ref _names, _nameCount, (_charCount, ascii.Length));
        _charCount += ascii.Length;
        return _nameCount++;
    }

    private static bool SameAscii(ReadOnlySpan<char> chars, ReadOnlySpan<byte> ascii)
    {
        for (int i = 0; i < chars.Length; i++)
        {
            if (chars[i] != ascii[i])
            {
                return false;
            }
        }
        return true;
    }

    private static void Append<T>(ref T[] array, int index, T value)
    {
        if (index == array.Length)
        {
            Array.Resize(ref array, array.Length * 2);
        }
        array[index] = value;
    }
}

/// <summary>An A or AAAA record of a <see cref="DnsResponse"/>.</summary>
/// <param name="Owner">Name index (see <see cref="DnsResponse.GetName"/>).</param>
/// <param name="Address">The address.</param>
/// <param name="Ttl">TTL in seconds.</param>
public readonly record struct AddressRecord(int Owner, DnsAddress Address, uint Ttl);

/// <summary>A CNAME record of a <see cref="DnsResponse"/>: <paramref name="Owner"/> is an alias of <paramref name="Target"/>.</summary>
/// <param name="Owner">Name index of the alias.</param>
/// <param name="Target">Name index of the canonical name.</param>
/// <param name="Ttl">TTL in seconds.</param>
public readonly record struct CnameRecord(int Owner, int Target, uint Ttl);
