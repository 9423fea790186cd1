namespace Falconet.Dns;

/// <summary>What part of a name a <see cref="DomainPattern"/> leaves open.</summary>
public enum DomainPatternKind
{
    /// <summary>A bare name: matches that name only.</summary>
    Exact,

    /// <summary><c>*.suffix</c>: exactly one label before the suffix.</summary>
    SingleLabel,

    /// <summary><c>**.suffix</c>: one or more labels before the suffix.</summary>
    MultiLabel,
}

/// <summary>
/// A domain name or wildcard with Cilium's <c>matchPattern</c> meaning: case-insensitive, a trailing dot ignored;
/// <c>*.example.com</c> matches exactly one more label, <c>**.example.com</c> one or more, a bare name only itself.
/// A wildcard is only ever the whole first label: anything else with a <c>*</c> is rejected rather than guessed at.
/// </summary>
public sealed class DomainPattern
{
    private DomainPattern(string text, DomainPatternKind kind, string name)
    {
        Text = text;
        Kind = kind;
        Name = name;
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>Exact, one label or several.</summary>
    public DomainPatternKind Kind { get; }

    /// <summary>The exact name, or the suffix after the wildcard label: lowercase, without the trailing dot.</summary>
    public string Name { get; }

    /// <summary>Parses a pattern.</summary>
    /// <exception cref="FormatException">The pattern is malformed; the message says why.</exception>
    public static DomainPattern Parse(string text)
    {
        if (!TryParse(text, out DomainPattern? pattern, out string? error))
        {
            throw new FormatException(error);
        }
        return pattern;
    }

    /// <summary>Parses a pattern; on failure <paramref name="error"/> says why, naming the pattern.</summary>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DomainPattern? pattern, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        pattern = null;
        ReadOnlySpan<char> body = text.AsSpan().Trim();
        if (body.EndsWith('.'))
        {
            body = body[..^1];
        }
        DomainPatternKind kind = DomainPatternKind.Exact;
        if (body.StartsWith("**."))
        {
            kind = DomainPatternKind.MultiLabel;
            body = body[3..];
        }
        else if (body.StartsWith("*."))
        {
            kind = DomainPatternKind.SingleLabel;
            body = body[2..];
        }
        else if (body is "*" or "**")
        {
            error = $"domain pattern '{text}': a wildcard needs a domain after it (write '*.example.com', not '{text}')";
            return false;
        }
        if (body.IsEmpty)
        {
            error = $"domain pattern '{text}' is empty";
            return false;
        }
        error = ValidateName(text, body);
        if (error is not null)
        {
            return false;
        }
        pattern = new DomainPattern(text, kind, body.ToString().ToLowerInvariant());
        return true;
    }

    /// <summary>Whether <paramref name="name"/> (any case, trailing dot allowed) matches.</summary>
    public bool Matches(ReadOnlySpan<char> name)
    {
        name = DomainNames.Normalize(name);
        switch (Kind)
        {
            case DomainPatternKind.Exact:
                return name.Equals(Name, StringComparison.OrdinalIgnoreCase);
            default:
                if (name.Length < Name.Length + 2 || name[^(Name.Length + 1)] != '.' || !name[^Name.Length..].Equals(Name, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
                ReadOnlySpan<char> prefix = name[..^(Name.Length + 1)];
                return Kind == DomainPatternKind.MultiLabel || !prefix.Contains('.');
        }
    }

    /// <summary>The pattern as written.</summary>
    public override string ToString() => Text;

    private static string? ValidateName(string text, ReadOnlySpan<char> name)
    {
        if (name.Length > 253)
        {
            return $"domain pattern '{text}' is longer than 253 characters";
        }
        int labelStart = 0;
        for (int i = 0; i <= name.Length; i++)
        {
            if (i < name.Length && name[i] != '.')
            {
                char c = name[i];
                if (c == '*')
                {
                    return $"domain pattern '{text}': '*' may only be the whole first label ('*.example.com' or '**.example.com')";
                }
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    return $"domain pattern '{text}': character '{c}' is not allowed in a domain name";
                }
                continue;
            }
            int labelLength = i - labelStart;
            if (labelLength == 0)
            {
                return $"domain pattern '{text}' has an empty label";
            }
            if (labelLength > 63)
            {
                return $"domain pattern '{text}' has a label longer than 63 characters";
            }
            labelStart = i + 1;
        }
        return null;
    }
}

/// <summary>Name helpers shared by patterns and the store.</summary>
internal static class DomainNames
{
    /// <summary>The name without one trailing dot (comparisons are case-insensitive, so case is left alone).</summary>
    public static ReadOnlySpan<char> Normalize(ReadOnlySpan<char> name) => name.EndsWith('.') ? name[..^1] : name;
}
