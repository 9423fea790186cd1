namespace Falconet.State;

/// <summary>
/// A fixed-size, direct-mapped cache of strings decoded from UTF-8 parameter bytes (paths, comm, exe, args):
/// the same names come back on event after event, and a hit returns the string already made instead of a new one.
/// Only ASCII text is cached, so a hit is a plain byte/char comparison and decoding can never differ from
/// <see cref="System.Text.Encoding.UTF8"/>; anything else is decoded every time.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int SlotCount = 4096;
    private const int MaxCachedLength = 256;

    private readonly string?[] _slots = new string?[SlotCount];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return "";
        }
        if (utf8.Length > MaxCachedLength || !System.Text.Ascii.IsValid(utf8))
        {
            return System.Text.Encoding.UTF8.GetString(utf8);
        }
        var hash = new HashCode();
        hash.AddBytes(utf8);
        int slot = hash.ToHashCode() & (SlotCount - 1);
        string? cached = _slots[slot];
        if (cached is not null && System.Text.Ascii.Equals(utf8, cached))
        {
            return cached;
        }
        string made = System.Text.Encoding.ASCII.GetString(utf8);
        _slots[slot] = made;
        return made;
    }

    public void Clear() => Array.Clear(_slots);
}
