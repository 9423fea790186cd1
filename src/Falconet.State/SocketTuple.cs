using System.Buffers.Binary;
using System.Net;

namespace Falconet.State;

/// <summary>
/// A decoded PT_SOCKADDR or PT_SOCKTUPLE parameter (a family byte, then addresses and ports), viewing the event's bytes.
/// For a sockaddr only the source half is filled. IPv4-mapped IPv6 tuples are reported as IPv4, as libsinsp does.
/// </summary>
public ref struct SocketTuple
{
    /// <summary>AF_UNIX.</summary>
    public const byte FamilyUnix = 1;

    /// <summary>AF_INET.</summary>
    public const byte FamilyInet = 2;

    /// <summary>AF_INET6.</summary>
    public const byte FamilyInet6 = 10;

    /// <summary>The address family (<see cref="FamilyUnix"/>, <see cref="FamilyInet"/>, <see cref="FamilyInet6"/>).</summary>
    public byte Family;

    /// <summary>The source (or a sockaddr's only) address: 4 or 16 bytes.</summary>
    public ReadOnlySpan<byte> SourceIp;

    /// <summary>The source (or a sockaddr's only) port.</summary>
    public ushort SourcePort;

    /// <summary>The destination address of a socktuple.</summary>
    public ReadOnlySpan<byte> DestinationIp;

    /// <summary>The destination port of a socktuple.</summary>
    public ushort DestinationPort;

    /// <summary>The kernel address of a unix tuple's source socket.</summary>
    public ulong UnixSource;

    /// <summary>The kernel address of a unix tuple's peer socket.</summary>
    public ulong UnixDestination;

    /// <summary>Unix socket path without its NUL.</summary>
    public ReadOnlySpan<byte> Path;

    /// <summary>An IPv4 or IPv6 address.</summary>
    public readonly bool IsInet => Family is FamilyInet or FamilyInet6;

    /// <summary>Parses a socktuple; false when the parameter is absent or too short for its family.</summary>
    public static bool TryParseTuple(ReadOnlySpan<byte> p, out SocketTuple tuple) => TryParse(p, ends: 2, mapIpv4: true, out tuple);

    /// <summary>Parses a sockaddr into the source half; false when absent or too short.</summary>
    public static bool TryParseAddress(ReadOnlySpan<byte> p, out SocketTuple address) => TryParse(p, ends: 1, mapIpv4: true, out address);

    /// <summary>Parses a sockaddr as written, an IPv4-mapped IPv6 address left as IPv6 (how event arguments print it).</summary>
    public static bool TryParseAddressAsWritten(ReadOnlySpan<byte> p, out SocketTuple address) => TryParse(p, ends: 1, mapIpv4: false, out address);

    /// <summary>
    /// A family byte, then per end (one for a sockaddr, two for a socktuple) an address and a little-endian port;
    /// for unix sockets a tuple has the two kernel socket addresses before the path, a sockaddr only the path.
    /// </summary>
    private static bool TryParse(ReadOnlySpan<byte> p, int ends, bool mapIpv4, out SocketTuple tuple)
    {
        tuple = default;
        if (p.Length < 1)
        {
            return false;
        }
        tuple.Family = p[0];
        if (tuple.IsInet)
        {
            int ipLength = tuple.Family == FamilyInet ? 4 : 16;
            int endLength = ipLength + 2;
            if (p.Length < 1 + (ends * endLength))
            {
                return false;
            }
            tuple.SourceIp = p.Slice(1, ipLength);
            tuple.SourcePort = BinaryPrimitives.ReadUInt16LittleEndian(p[(1 + ipLength)..]);
            if (ends == 2)
            {
                tuple.DestinationIp = p.Slice(1 + endLength, ipLength);
                tuple.DestinationPort = BinaryPrimitives.ReadUInt16LittleEndian(p[(1 + endLength + ipLength)..]);
            }
            if (mapIpv4 && IsIpv4Mapped(tuple.SourceIp) && (ends == 1 || IsIpv4Mapped(tuple.DestinationIp)))
            {
                tuple.Family = FamilyInet;
                tuple.SourceIp = tuple.SourceIp[12..];
                tuple.DestinationIp = ends == 2 ? tuple.DestinationIp[12..] : default;
            }
            return true;
        }
        if (tuple.Family != FamilyUnix)
        {
            return false;
        }
        int pathStart = ends == 2 ? 17 : 1;
        if (p.Length <= pathStart)
        {
            return false;
        }
        if (ends == 2)
        {
            tuple.UnixSource = BinaryPrimitives.ReadUInt64LittleEndian(p[1..]);
            tuple.UnixDestination = BinaryPrimitives.ReadUInt64LittleEndian(p[9..]);
        }
        tuple.Path = TrimNul(p[pathStart..]);
        return true;
    }

    /// <summary>Whether a 16-byte address is an IPv4 address mapped into IPv6 (<c>::ffff:a.b.c.d</c>).</summary>
    public static bool IsIpv4Mapped(ReadOnlySpan<byte> ip16) =>
        ip16.Length == 16 && ip16[..10].IndexOfAnyExcept((byte)0) < 0 && ip16[10] == 0xff && ip16[11] == 0xff;

    private static ReadOnlySpan<byte> TrimNul(ReadOnlySpan<byte> p)
    {
        int nul = p.IndexOf((byte)0);
        return nul >= 0 ? p[..nul] : p;
    }

    /// <summary>Whether <paramref name="address"/> holds exactly <paramref name="bytes"/>.</summary>
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
