namespace Falconet.Rules.Conditions;

/// <summary>Allocation-free string matchers shared by both evaluation backends.</summary>
internal static class Matching
{
    /// <summary>
    /// <c>fnmatch()</c> with no flags: <c>*</c> matches any run (also across <c>/</c>), <c>?</c> one character,
    /// <c>[...]</c> a set with ranges and <c>!</c>/<c>^</c> negation, backslash quotes the next character.
    /// </summary>
    public static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, bool ignoreCase = false)
    {
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length)
            {
                char pc = pattern[p];
                if (pc == '*')
                {
                    starP = ++p;
                    starT = t;
                    continue;
                }
                if (pc == '?')
                {
                    p++;
                    t++;
                    continue;
                }
                if (pc == '[' && TryMatchBracket(pattern, p, text[t], ignoreCase, out bool matched, out int next))
                {
                    if (matched)
                    {
                        p = next;
                        t++;
                        continue;
                    }
                }
                else
                {
                    if (pc == '\\' && p + 1 < pattern.Length)
                    {
                        p++;
                        pc = pattern[p];
                    }
                    if (CharEquals(pc, text[t], ignoreCase))
                    {
                        p++;
                        t++;
                        continue;
                    }
                }
            }
            if (starP < 0)
            {
                return false;
            }
            p = starP;
            t = ++starT;
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }

    private static bool TryMatchBracket(ReadOnlySpan<char> pattern, int open, char c, bool ignoreCase, out bool matched, out int next)
    {
        matched = false;
        next = open;
        int i = open + 1;
        bool negate = i < pattern.Length && pattern[i] is '!' or '^';
        if (negate)
        {
            i++;
        }
        int first = i;
        bool any = false;
        while (i < pattern.Length && (pattern[i] != ']' || i == first))
        {
            char lo = pattern[i];
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                char hi = pattern[i + 2];
                char folded = ignoreCase ? char.ToLowerInvariant(c) : c;
                if ((c >= lo && c <= hi) || (ignoreCase && folded >= char.ToLowerInvariant(lo) && folded <= char.ToLowerInvariant(hi)))
                {
                    any = true;
                }
                i += 3;
                continue;
            }
            if (CharEquals(lo, c, ignoreCase))
            {
                any = true;
            }
            i++;
        }
        if (i >= pattern.Length)
        {
            // No closing bracket: '[' is an ordinary character.
            return false;
        }
        matched = any != negate;
        next = i + 1;
        return true;
    }

    private static bool CharEquals(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));

    /// <summary>
    /// <c>pmatch</c>: <paramref name="entry"/> is a component-wise prefix of <paramref name="path"/>; each entry
    /// component may be a glob matched against the whole corresponding path component.
    /// </summary>
    public static bool PathPrefix(string entry, string path)
    {
        ReadOnlySpan<char> e = entry.AsSpan().TrimEnd('/');
        ReadOnlySpan<char> v = path.AsSpan();
        if (e.Length == 0)
        {
            return entry.Length > 0 && v.Length > 0 && v[0] == '/';
        }
        while (true)
        {
            int eEnd = e.IndexOf('/');
            int vEnd = v.IndexOf('/');
            ReadOnlySpan<char> eComponent = eEnd < 0 ? e : e[..eEnd];
            ReadOnlySpan<char> vComponent = vEnd < 0 ? v : v[..vEnd];
            if (!Glob(eComponent, vComponent))
            {
                return false;
            }
            if (eEnd < 0)
            {
                return true;
            }
            if (vEnd < 0)
            {
                return false;
            }
            e = e[(eEnd + 1)..];
            v = v[(vEnd + 1)..];
        }
    }

    /// <summary>ASCII case-insensitive substring search (libsinsp folds ASCII only).</summary>
    public static bool ContainsIgnoreAsciiCase(string text, string loweredNeedle)
    {
        if (loweredNeedle.Length == 0)
        {
            return true;
        }
        int last = text.Length - loweredNeedle.Length;
        for (int i = 0; i <= last; i++)
        {
            int j = 0;
            while (j < loweredNeedle.Length && AsciiLower(text[i + j]) == loweredNeedle[j])
            {
                j++;
            }
            if (j == loweredNeedle.Length)
            {
                return true;
            }
        }
        return false;
    }

    public static char AsciiLower(char c) => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;

    public static char AsciiUpper(char c) => c is >= 'a' and <= 'z' ? (char)(c - 32) : c;

    public static string ToAsciiLower(string s) => string.Create(s.Length, s, static (span, src) =>
    {
        for (int i = 0; i < src.Length; i++)
        {
            span[i] = AsciiLower(src[i]);
        }
    });
}
