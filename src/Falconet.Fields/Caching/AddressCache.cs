using System.Buffers.Binary;
using System.Net;

namespace Falconet.Fields.Caching;

/// <summary>
/// Address objects and texts for address bytes read from events, one per distinct address: event parameters
/// repeat the same few addresses, so after the first sight of one nothing is allocated. Bounded; one per owner.
/// </summary>
internal sealed class AddressCache
{
    private const int Capacity = 4096;

    private readonly Dictionary<(UInt128 Bits, int Length), IPAddress> _addresses = [];
    private readonly Dictionary<(UInt128 Bits, int Length), string> _texts = [];

    /// <summary>The address of 4 (IPv4) or 16 (IPv6) bytes in network order.</summary>
    public IPAddress Get(ReadOnlySpan<byte> bytes)
    {
        (UInt128, int) key = Key(bytes);
        if (!_addresses.TryGetValue(key, out IPAddress? address))
        {
            if (_addresses.Count >= Capacity)
            {
                _addresses.Clear();
            }
            address = new IPAddress(bytes);
            _addresses[key] = address;
        }
        return address;
    }

    /// <summary>The usual text of the address (<see cref="IPAddress.ToString"/>).</summary>
    public string GetText(ReadOnlySpan<byte> bytes)
    {
        (UInt128, int) key = Key(bytes);
        if (!_texts.TryGetValue(key, out string? text))
        {
            if (_texts.Count >= Capacity)
            {
                _texts.Clear();
            }
            text = new IPAddress(bytes).ToString();
            _texts[key] = text;
        }
        return text;
    }

    private static (UInt128, int) Key(ReadOnlySpan<byte> bytes) =>
        (bytes.Length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes), bytes.Length);
}
