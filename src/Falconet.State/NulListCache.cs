using System.Text;

namespace Falconet.State;

/// <summary>
/// A fixed-size, direct-mapped cache of NUL-separated list parameters (args, env, cgroups) decoded to string arrays:
/// the same command lines and environments recur on every run of a program, and threads share these arrays anyway
/// (a child starts with its parent's). A hit compares every item, so a returned array always holds exactly the
/// parameter's items. Arrays handed out are shared: never modify one.
/// </summary>
internal sealed class NulListCache
{
    private const int SlotCount = 1024;

    private readonly string[]?[] _slots = new string[]?[SlotCount];
    private readonly Utf8StringCache _strings;

    public NulListCache(Utf8StringCache strings)
    {
        _strings = strings;
    }

    /// <summary>
    /// The items of <paramref name="list"/> (without its trailing NUL): <paramref name="current"/> when it holds
    /// them already, else a cached array that does, else a new one.
    /// </summary>
    public string[] Get(ReadOnlySpan<byte> list, string[]? current)
    {
        if (list.IsEmpty)
        {
            return current is { Length: 0 } ? current : [];
        }
        if (current is not null && Holds(current, list))
        {
            return current;
        }
        var hash = new HashCode();
        hash.AddBytes(list);
        int slot = hash.ToHashCode() & (SlotCount - 1);
        string[]? cached = _slots[slot];
        if (cached is not null && Holds(cached, list))
        {
            return cached;
        }
        int count = 0;
        foreach (Range _ in list.Split((byte)0))
        {
            count++;
        }
        var items = new string[count];
        int i = 0;
        foreach (Range r in list.Split((byte)0))
        {
            items[i++] = _strings.Get(list[r]);
        }
        _slots[slot] = items;
        return items;
    }

    /// <summary>Whether <paramref name="items"/> are exactly the ASCII items of <paramref name="list"/> (non-ASCII never matches).</summary>
    private static bool Holds(string[] items, ReadOnlySpan<byte> list)
    {
        int count = 0;
        foreach (Range r in list.Split((byte)0))
        {
            if (count >= items.Length || !Ascii.Equals(list[r], items[count]))
            {
                return false;
            }
            count++;
        }
        return count == items.Length;
    }
}
