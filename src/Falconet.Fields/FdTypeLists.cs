using Falconet.Fields.ArgumentRendering;

namespace Falconet.Fields;

/// <summary>
/// <c>fd.types</c> without an index: the distinct type names of a process's open fds, in the order the fd table
/// yields them, as a list and joined by commas. A process's set of types rarely changes, so each distinct ordered
/// set is built once per extractor and found again by a key packing the type names' positions.
/// </summary>
internal sealed class FdTypeLists
{
    private const int BitsPerType = 5;

    private readonly Dictionary<UInt128, (string[] List, string Joined)> _byKey = [];
    private readonly List<string> _scratch = [];

    public bool Extract(FdTable fds, ref FieldValue value)
    {
        // Key: the distinct kinds' type-name ids (1-based, 5 bits each) in order of first appearance.
        UInt128 key = 0;
        uint seen = 0;
        int shift = 0;
        foreach (FdInfo fd in fds.All)
        {
            int id = TypeId(fd.Kind);
            if (id == 0 || (seen & (1u << id)) != 0)
            {
                continue;
            }
            seen |= 1u << id;
            key |= (UInt128)(uint)id << shift;
            shift += BitsPerType;
        }
        if (!_byKey.TryGetValue(key, out (string[] List, string Joined) entry))
        {
            _scratch.Clear();
            foreach (FdInfo fd in fds.All)
            {
                if (FdChars.TypeName(fd.Kind) is { } t && !_scratch.Contains(t))
                {
                    _scratch.Add(t);
                }
            }
            string[] list = [.. _scratch];
            entry = (list, string.Join(',', list));
            _byKey[key] = entry;
        }
        value.List = entry.List;
        value.String = entry.Joined;
        return true;
    }

    private static readonly string[] s_distinctNames =
        [.. Enum.GetValues<FdKind>().Select(FdChars.TypeName).OfType<string>().Distinct(StringComparer.Ordinal)];

    // Per kind: the 1-based position of its type name among the distinct names; 0 for kinds without a name.
    private static readonly int[] s_typeIds =
        [.. Enum.GetValues<FdKind>().Select(k => FdChars.TypeName(k) is { } name ? Array.IndexOf(s_distinctNames, name) + 1 : 0)];

    private static int TypeId(FdKind kind) => (uint)kind < (uint)s_typeIds.Length ? s_typeIds[(int)kind] : 0;
}
