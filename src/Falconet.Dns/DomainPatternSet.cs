namespace Falconet.Dns;

/// <summary>
/// A list of <see cref="DomainPattern"/>s that answers "does this name match any" with a few hash lookups, whatever the
/// list's length: one for the exact names, one for the suffix after the first label (<c>*.</c> patterns), and one per
/// further dot for <c>**.</c> patterns. Immutable and so safe to share between threads.
/// </summary>
public sealed class DomainPatternSet
{
    private readonly HashSet<string> _exact = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _singleLabel = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _multiLabel = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _singleLookup;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _multiLookup;

    /// <summary>A set of already parsed patterns.</summary>
    public DomainPatternSet(IEnumerable<DomainPattern> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var list = new List<DomainPattern>();
        foreach (DomainPattern p in patterns)
        {
            list.Add(p);
            HashSet<string> target = p.Kind switch
            {
                DomainPatternKind.Exact => _exact,
                DomainPatternKind.SingleLabel => _singleLabel,
                _ => _multiLabel,
            };
            target.Add(p.Name);
        }
        Patterns = list;
        _exactLookup = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _singleLookup = _singleLabel.GetAlternateLookup<ReadOnlySpan<char>>();
        _multiLookup = _multiLabel.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The patterns, in the order given.</summary>
    public IReadOnlyList<DomainPattern> Patterns { get; }

    /// <summary>Whether the set is empty.</summary>
    public bool IsEmpty => Patterns.Count == 0;

    /// <summary>Parses every pattern of <paramref name="patterns"/>.</summary>
    /// <exception cref="FormatException">A pattern is malformed; the message names every malformed pattern.</exception>
    public static DomainPatternSet Parse(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var parsed = new List<DomainPattern>();
        var errors = new List<string>();
        foreach (string text in patterns)
        {
            if (DomainPattern.TryParse(text, out DomainPattern? p, out string? error))
            {
                parsed.Add(p);
            }
            else
            {
                errors.Add(error);
            }
        }
        if (errors.Count > 0)
        {
            throw new FormatException(string.Join("; ", errors));
        }
        return new DomainPatternSet(parsed);
    }

    /// <summary>Whether <paramref name="name"/> (any case, trailing dot allowed) matches any pattern of the set.</summary>
    public bool Matches(ReadOnlySpan<char> name)
    {
        name = DomainNames.Normalize(name);
        if (name.IsEmpty)
        {
            return false;
        }
        if (_exact.Count > 0 && _exactLookup.Contains(name))
        {
            return true;
        }
        int firstDot = name.IndexOf('.');
        if (firstDot < 0)
        {
            return false;
        }
        if (_singleLabel.Count > 0 && firstDot > 0 && _singleLookup.Contains(name[(firstDot + 1)..]))
        {
            return true;
        }
        if (_multiLabel.Count > 0)
        {
            for (int dot = firstDot; dot >= 0; dot = NextDot(name, dot))
            {
                if (dot > 0 && _multiLookup.Contains(name[(dot + 1)..]))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static int NextDot(ReadOnlySpan<char> name, int dot)
    {
        int next = name[(dot + 1)..].IndexOf('.');
        return next < 0 ? -1 : dot + 1 + next;
    }
}
