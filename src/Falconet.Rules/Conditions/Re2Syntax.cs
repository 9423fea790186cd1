using System.Globalization;

namespace Falconet.Rules.Conditions;

/// <summary>
/// The syntax errors RE2 (as libsinsp configures it: POSIX syntax, so no <c>(?…)</c> groups) reports for a rule's
/// regex, with RE2's words: Falco's message is <c>invalid regex pattern: </c> and this text. .NET's parser, which
/// Falconet matches with, accepts some of these and words the others differently.
/// </summary>
internal static class Re2Syntax
{
    private static readonly HashSet<string> s_posixClasses = new(StringComparer.Ordinal)
    {
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "word", "xdigit",
    };

    /// <summary>RE2's error for <paramref name="pattern"/>, or null when RE2 accepts it (as far as these rules go).</summary>
    public static string? Check(string pattern)
    {
        var open = new Stack<int>();
        // True where a repetition operator would have nothing to repeat: at the start, after '(' or '|'.
        bool atStart = true;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            switch (c)
            {
                case '\\':
                    i++;
                    atStart = false;
                    break;
                case '(':
                    if (i + 1 < pattern.Length && pattern[i + 1] == '?')
                    {
                        return "no argument for repetition operator: ?";
                    }
                    open.Push(i);
                    atStart = true;
                    break;
                case ')':
                    if (open.Count == 0)
                    {
                        return $"unexpected ): {pattern}";
                    }
                    open.Pop();
                    atStart = false;
                    break;
                case '|':
                    atStart = true;
                    break;
                case '*' or '+' or '?':
                    if (atStart)
                    {
                        return $"no argument for repetition operator: {c}";
                    }
                    break;
                case '{':
                    if (TryRepetition(pattern, i, out int end, out int min, out int max))
                    {
                        if (atStart)
                        {
                            return $"no argument for repetition operator: {pattern[i..(end + 1)]}";
                        }
                        if (min > 1000 || max > 1000 || (max >= 0 && max < min))
                        {
                            return $"invalid repetition size: {pattern[i..(end + 1)]}";
                        }
                        i = end;
                    }
                    else
                    {
                        atStart = false;
                    }
                    break;
                case '[':
                    string? error = CheckClass(pattern, ref i);
                    if (error is not null)
                    {
                        return error;
                    }
                    atStart = false;
                    break;
                case '^' or '$':
                    break;
                default:
                    atStart = false;
                    break;
            }
        }
        return open.Count > 0 ? $"missing ): {pattern}" : null;
    }

    /// <summary><c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c>; anything else is literal text to RE2.</summary>
    private static bool TryRepetition(string pattern, int start, out int end, out int min, out int max)
    {
        min = max = -1;
        end = pattern.IndexOf('}', start);
        if (end < 0)
        {
            return false;
        }
        string[] parts = pattern[(start + 1)..end].Split(',');
        if (parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out min))
        {
            return false;
        }
        if (parts.Length == 1)
        {
            max = min;
            return true;
        }
        if (parts[1].Length == 0)
        {
            return true;
        }
        return int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out max);
    }

    private static string? CheckClass(string pattern, ref int i)
    {
        int start = i;
        int j = i + 1;
        if (j < pattern.Length && pattern[j] == '^')
        {
            j++;
        }
        bool first = true;
        while (j < pattern.Length && (pattern[j] != ']' || first))
        {
            first = false;
            if (pattern[j] == '[' && j + 1 < pattern.Length && pattern[j + 1] == ':')
            {
                int close = pattern.IndexOf(":]", j + 2, StringComparison.Ordinal);
                if (close > 0)
                {
                    string name = pattern[(j + 2)..close];
                    if (!s_posixClasses.Contains(name.TrimStart('^')))
                    {
                        return $"invalid character class range: {pattern[j..(close + 2)]}";
                    }
                    j = close + 2;
                    continue;
                }
            }
            char low = pattern[j];
            if (low == '\\' && j + 1 < pattern.Length)
            {
                j += 2;
                continue;
            }
            if (j + 2 < pattern.Length && pattern[j + 1] == '-' && pattern[j + 2] != ']')
            {
                char high = pattern[j + 2];
                if (high < low)
                {
                    return $"invalid character class range: {low}-{high}";
                }
                j += 3;
                continue;
            }
            j++;
        }
        if (j >= pattern.Length)
        {
            return $"missing ]: {pattern[start..]}";
        }
        i = j;
        return null;
    }
}
