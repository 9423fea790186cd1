using Falconet.Host;

namespace Falconet.Learn;

/// <summary>
/// The public-suffix list (Mozilla's, as Debian's <c>publicsuffix</c> package installs it): which names are
/// registrable domains (<c>example.co.uk</c>) and which are suffixes under which anyone can register
/// (<c>co.uk</c>, <c>com</c>, <c>s3.amazonaws.com</c>). Learn mode never writes a wildcard whose parent is a suffix.
/// </summary>
public sealed class PublicSuffixList
{
    /// <summary>Where Debian's <c>publicsuffix</c> package puts the list.</summary>
    public const string DefaultPath = "/usr/share/publicsuffix/public_suffix_list.dat";

    private readonly HashSet<string> _rules = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _wildcards = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _exceptions = new(StringComparer.OrdinalIgnoreCase);

    private PublicSuffixList(IEnumerable<string> lines)
    {
        foreach (string raw in lines)
        {
            // A rule is the first word of a line; comments start with //.
            string line = raw.Trim();
            int space = line.IndexOfAny([' ', '\t']);
            if (space >= 0)
            {
                line = line[..space];
            }
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }
            if (line.StartsWith("!", StringComparison.Ordinal))
            {
                _exceptions.Add(line[1..]);
            }
            else if (line.StartsWith("*.", StringComparison.Ordinal))
            {
                _wildcards.Add(line[2..]);
            }
            else
            {
                _rules.Add(line);
            }
        }
        RuleCount = _rules.Count + _wildcards.Count + _exceptions.Count;
    }

    /// <summary>How many rules the list holds.</summary>
    public int RuleCount { get; }

    /// <summary>Reads the list from <paramref name="path"/>; a missing or empty file is a user error naming the package.</summary>
    public static PublicSuffixList Load(string path = DefaultPath)
    {
        if (!File.Exists(path))
        {
            throw new UserFacingException($"the public-suffix list {path} is missing: install Debian's 'publicsuffix' package (apt-get install publicsuffix); learn mode needs it to never generalise above a registrable domain");
        }
        PublicSuffixList list;
        try
        {
            list = new PublicSuffixList(File.ReadLines(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot read the public-suffix list {path}: {e.Message}");
        }
        if (list.RuleCount == 0)
        {
            throw new UserFacingException($"the public-suffix list {path} holds no rules");
        }
        return list;
    }

    /// <summary>The list parsed from text (tests).</summary>
    public static PublicSuffixList Parse(string text) => new(text.Split('\n'));

    /// <summary>
    /// Whether <paramref name="name"/> is a public suffix: a name someone else's registrable domains sit under.
    /// The implicit rule <c>*</c> makes every single-label name a suffix.
    /// </summary>
    public bool IsPublicSuffix(string name)
    {
        name = name.TrimEnd('.');
        if (name.Length == 0)
        {
            return true;
        }
        if (_exceptions.Contains(name))
        {
            return false;
        }
        if (_rules.Contains(name))
        {
            return true;
        }
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return true;
        }
        return _wildcards.Contains(name[(dot + 1)..]);
    }

    /// <summary>
    /// The registrable domain of <paramref name="name"/> (its public suffix plus one label), or null when the name
    /// is itself a suffix.
    /// </summary>
    public string? RegistrableDomain(string name)
    {
        name = name.TrimEnd('.');
        string? previous = null;
        string current = name;
        while (true)
        {
            if (IsPublicSuffix(current))
            {
                return previous;
            }
            int dot = current.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0)
            {
                return previous;
            }
            previous = current;
            current = current[(dot + 1)..];
        }
    }
}
