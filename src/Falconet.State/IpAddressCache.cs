using System.Net;

namespace Falconet.State;

/// <summary>
/// A fixed-size, direct-mapped cache of <see cref="IPAddress"/> objects by their bytes: sockets keep talking to the
/// same few peers, so a new tuple usually names an address some fd already holds. A hit compares the bytes, so a
/// returned address always equals the bytes asked for.
/// </summary>
internal sealed class IpAddressCache
{
    private const int SlotCount = 1024;

    private readonly IPAddress?[] _slots = new IPAddress?[SlotCount];

    /// <summary>The address of <paramref name="bytes"/> (4 or 16 bytes).</summary>
    public IPAddress Get(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        int slot = hash.ToHashCode() & (SlotCount - 1);
        IPAddress? cached = _slots[slot];
        if (cached is not null && SocketTuple.SameAddress(cached, bytes))
        {
            return cached;
        }
        var made = new IPAddress(bytes);
        _slots[slot] = made;
        return made;
    }
}
