namespace Falconet.Dns;

/// <summary>
/// How parsing a DNS message ended. Anything but <see cref="Ok"/> stops the reader at the first bad byte; what was read
/// before it stays valid, so a truncated answer still yields its complete records.
/// </summary>
public enum DnsParseStatus
{
    /// <summary>Every section the reader was asked for was well formed.</summary>
    Ok = 0,

    /// <summary>The message ends inside the header, a name, a question or a record (a short read or a small snaplen).</summary>
    Truncated = 1,

    /// <summary>A compression pointer does not point strictly backwards: the only way a pointer loop can form, so it is rejected.</summary>
    PointerLoop = 2,

    /// <summary>A compression pointer points outside the message.</summary>
    BadPointer = 3,

    /// <summary>A label uses a reserved type (0x40 or 0x80), or holds a dot or a byte that is not printable ASCII.</summary>
    BadLabel = 4,

    /// <summary>A name is longer than the 255 bytes DNS allows (or the caller's buffer).</summary>
    NameTooLong = 5,

    /// <summary>The message is a query, not a response, or uses an opcode other than QUERY.</summary>
    NotResponse = 6,

    /// <summary>A record's data length does not fit its type (an A record that is not 4 bytes, for instance).</summary>
    BadRecordData = 7,
}

/// <summary>DNS record types the parser interprets; the others are skipped.</summary>
public static class DnsRecordType
{
    /// <summary>IPv4 address.</summary>
    public const ushort A = 1;

    /// <summary>Canonical name (alias).</summary>
    public const ushort Cname = 5;

    /// <summary>IPv6 address.</summary>
    public const ushort Aaaa = 28;
}
