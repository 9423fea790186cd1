using System.Buffers.Binary;
using System.Net;

namespace Falconet.State;

/// <summary>
/// A decoded PT_SOCKADDR or PT_SOCKTUPLE parameter (scap-format.md §2.4), viewing the event's bytes.
/// For a sockaddr only the source half is filled. IPv4-mapped IPv6 tuples are reported as IPv4, as libsinsp does.
/// </summary>
internal ref struct SocketTuple
{
    public const byte FamilyUnix = 1;
    public const byte FamilyInet = 2;
    public const byte FamilyInet6 = 10;

    public byte Family;
    public ReadOnlySpan<byte> SourceIp;
    public ushort SourcePort;
    public ReadOnlySpan<byte> DestinationIp;
    public ushort DestinationPort;
    public ulong UnixSource;
    public ulong UnixDestination;

    /// <summary>Unix socket path without its NUL.</summary>
    public ReadOnlySpan<byte> Path;

    public readonly bool IsInet => Family is FamilyInet or FamilyInet6;

    /// <summary>Parses a socktuple; false when the parameter is absent or too short for its family.</summary>
    public static bool TryParseTuple(ReadOnlySpan<byte> p, out SocketTuple tuple)
    {
        tuple = default;
        if (p.Length < 1)
        {
            return false;
        }
        tuple.Family = p[0];
        switch (p[0])
        {
            case FamilyInet when p.Length >= 13:
                tuple.SourceIp = p.Slice(1, 4);
                tuple.SourcePort = BinaryPrimitives.ReadUInt16LittleEndian(p[5..]);
                tuple.DestinationIp = p.Slice(7, 4);
                tuple.DestinationPort = BinaryPrimitives.ReadUInt16LittleEndian(p[11..]);
                return true;
            case FamilyInet6 when p.Length >= 37:
                tuple.SourceIp = p.Slice(1, 16);
                tuple.SourcePort = BinaryPrimitives.ReadUInt16LittleEndian(p[17..]);
                tuple.DestinationIp = p.Slice(19, 16);
                tuple.DestinationPort = BinaryPrimitives.ReadUInt16LittleEndian(p[35..]);
                if (IsIpv4Mapped(tuple.SourceIp) && IsIpv4Mapped(tuple.DestinationIp))
                {
                    tuple.Family = FamilyInet;
                    tuple.SourceIp = tuple.SourceIp[12..];
                    tuple.DestinationIp = tuple.DestinationIp[12..];
                }
                return true;
            case FamilyUnix when p.Length >= 18:
                tuple.UnixSource = BinaryPrimitives.ReadUInt64LittleEndian(p[1..]);
                tuple.UnixDestination = BinaryPrimitives.ReadUInt64LittleEndian(p[9..]);
                tuple.Path = TrimNul(p[17..]);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Parses a sockaddr into the source half; false when absent or too short.</summary>
    public static bool TryParseAddress(ReadOnlySpan<byte> p, out SocketTuple address)
    {
        address = default;
        if (p.Length < 1)
        {
            return false;
        }
        address.Family = p[0];
        switch (p[0])
        {
            case FamilyInet when p.Length >= 7:
                address.SourceIp = p.Slice(1, 4);
                address.SourcePort = BinaryPrimitives.ReadUInt16LittleEndian(p[5..]);
                return true;
            case FamilyInet6 when p.Length >= 19:
                address.SourceIp = p.Slice(1, 16);
                address.SourcePort = BinaryPrimitives.ReadUInt16LittleEndian(p[17..]);
                if (IsIpv4Mapped(address.SourceIp))
                {
                    address.Family = FamilyInet;
                    address.SourceIp = address.SourceIp[12..];
                }
                return true;
            case FamilyUnix when p.Length >= 2:
                address.Path = TrimNul(p[1..]);
                return true;
            default:
                return false;
        }
    }

    public static bool IsIpv4Mapped(ReadOnlySpan<byte> ip16) =>
        ip16.Length == 16 && ip16[..10].IndexOfAnyExcept((byte)0) < 0 && ip16[10] == 0xff && ip16[11] == 0xff;

    private static ReadOnlySpan<byte> TrimNul(ReadOnlySpan<byte> p)
    {
        int nul = p.IndexOf((byte)0);
        return nul >= 0 ? p[..nul] : p;
    }

    public static bool SameAddress(IPAddress? address, ReadOnlySpan<byte> bytes)
    {
        if (address is null)
        {
            return false;
        }
        Span<byte> buffer = stackalloc byte[16];
        return address.TryWriteBytes(buffer, out int written) && written == bytes.Length && buffer[..written].SequenceEqual(bytes);
    }
}
