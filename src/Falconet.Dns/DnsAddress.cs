using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Falconet.Dns;

/// <summary>
/// An IPv4 or IPv6 address as a 16-byte value, so the store can key and compare addresses without allocating an
/// <see cref="IPAddress"/> per lookup. IPv4 is held IPv4-mapped (<c>::ffff:a.b.c.d</c>), so an A record matches a
/// connection made through a dual-stack socket to the mapped form.
/// </summary>
public readonly struct DnsAddress : IEquatable<DnsAddress>
{
    private const ulong MappedPrefixLow = 0x0000_FFFF_0000_0000UL;

    private readonly ulong _high;
    private readonly ulong _low;

    private DnsAddress(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>Whether the address is IPv4 (held IPv4-mapped).</summary>
    public bool IsIPv4 => _high == 0 && (_low & 0xFFFF_FFFF_0000_0000UL) == MappedPrefixLow;

    /// <summary>An address from its network-order bytes: 4 bytes (IPv4) or 16 (IPv6).</summary>
    /// <exception cref="ArgumentException">The span is neither 4 nor 16 bytes long.</exception>
    public static DnsAddress FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (!TryFromBytes(bytes, out DnsAddress address))
        {
            throw new ArgumentException($"an address is 4 or 16 bytes, not {bytes.Length}", nameof(bytes));
        }
        return address;
    }

    /// <summary>An address from 4 (IPv4) or 16 (IPv6) network-order bytes; false for any other length.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out DnsAddress address)
    {
        switch (bytes.Length)
        {
            case 4:
                address = new DnsAddress(0, MappedPrefixLow | BinaryPrimitives.ReadUInt32BigEndian(bytes));
                return true;
            case 16:
                address = new DnsAddress(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
                return true;
            default:
                address = default;
                return false;
        }
    }

    /// <summary>An IPv4 address from its value in host order (<c>0x7F000001</c> is 127.0.0.1).</summary>
    public static DnsAddress FromIPv4(uint hostOrder) => new(0, MappedPrefixLow | hostOrder);

    /// <summary>The address of an <see cref="IPAddress"/> (IPv4 or IPv6); the scope id of IPv6 is not kept.</summary>
    public static DnsAddress FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written))
        {
            throw new ArgumentException("address is neither IPv4 nor IPv6", nameof(address));
        }
        return FromBytes(bytes[..written]);
    }

    /// <summary>Parses a textual IPv4 or IPv6 address.</summary>
    public static DnsAddress Parse(string text) => FromIPAddress(IPAddress.Parse(text));

    /// <summary>Writes the 16 bytes (IPv4 as IPv4-mapped) in network order.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
    }

    /// <summary>The address as an <see cref="IPAddress"/> (allocates: for output and tests, not the event path).</summary>
    public IPAddress ToIPAddress()
    {
        if (IsIPv4)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)_low);
            return new IPAddress(v4);
        }
        Span<byte> bytes = stackalloc byte[16];
        WriteBytes(bytes);
        return new IPAddress(bytes);
    }

    /// <summary>The address family: <see cref="AddressFamily.InterNetwork"/> for IPv4, else InterNetworkV6.</summary>
    public AddressFamily Family => IsIPv4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;

    /// <inheritdoc/>
    public bool Equals(DnsAddress other) => _high == other._high && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DnsAddress other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <summary>The usual text form (dotted quad for IPv4).</summary>
    public override string ToString() => ToIPAddress().ToString();

    /// <summary>Equality of the 16 bytes.</summary>
    public static bool operator ==(DnsAddress left, DnsAddress right) => left.Equals(right);

    /// <summary>Inequality of the 16 bytes.</summary>
    public static bool operator !=(DnsAddress left, DnsAddress right) => !left.Equals(right);
}
