using System.Text;

namespace Falconet.Fields.Caching;

/// <summary>
/// Strings by content, so text built per event (a rendered argument, a decoded path) is a string only the first
/// time that content is seen: later extractions find the same string without allocating. Bounded: when full it
/// starts over, so a stream of unique values costs what it did before, never unbounded memory. Not thread-safe:
/// each extractor owns one, as it owns its other buffers.
/// </summary>
internal sealed class TextCache(int capacity = 4096)
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private char[] _chars = new char[256];

    /// <summary>The string holding <paramref name="text"/>.</summary>
    public string Get(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return "";
        }
        Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out string? known))
        {
            return known;
        }
        if (_strings.Count >= capacity)
        {
            _strings.Clear();
        }
        string created = text.ToString();
        _strings[created] = created;
        return created;
    }

    /// <summary>The string holding the text of <paramref name="builder"/>.</summary>
    public string Get(StringBuilder builder)
    {
        int length = builder.Length;
        if (_chars.Length < length)
        {
            _chars = new char[Math.Max(length, _chars.Length * 2)];
        }
        builder.CopyTo(0, _chars, 0, length);
        return Get(_chars.AsSpan(0, length));
    }

    /// <summary>The string holding <paramref name="bytes"/> one char per byte (Latin-1), as byte buffers travel.</summary>
    public string GetLatin1(ReadOnlySpan<byte> bytes)
    {
        if (_chars.Length < bytes.Length)
        {
            _chars = new char[Math.Max(bytes.Length, _chars.Length * 2)];
        }
        int written = Encoding.Latin1.GetChars(bytes, _chars);
        return Get(_chars.AsSpan(0, written));
    }

    /// <summary>The string decoding <paramref name="utf8"/> up to its first NUL.</summary>
    public string GetUtf8(ReadOnlySpan<byte> utf8) => Get(Decode(utf8));

    /// <summary>
    /// The text of <paramref name="utf8"/> up to its first NUL, in this cache's buffer: valid until the next call
    /// on this cache.
    /// </summary>
    public ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8)
    {
        int nul = utf8.IndexOf((byte)0);
        if (nul >= 0)
        {
            utf8 = utf8[..nul];
        }
        int max = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (_chars.Length < max)
        {
            _chars = new char[Math.Max(max, _chars.Length * 2)];
        }
        return _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
    }
}
