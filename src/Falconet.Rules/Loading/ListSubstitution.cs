using System.Text;

namespace Falconet.Rules.Loading;

/// <summary>
/// Falco's textual list substitution into condition text (falco-reference §1.6): a list name delimited by
/// start/end, blanks, <c>(</c>, <c>)</c>, <c>,</c> or <c>=</c> is replaced by its items joined with <c>", "</c>
/// (items containing a space are double-quoted unless already quoted); an empty list also removes one
/// adjacent comma. Done on text, before parsing, because that is what decides Falco's compiled conditions.
/// </summary>
public static class ListSubstitution
{
    private const string Blanks = " \t\n\r";
    private const string Delimiters = " \t\n\r(),=";

    /// <summary>Substitutes every delimited occurrence of <paramref name="name"/>; true if any was replaced.</summary>
    public static bool Substitute(ref string condition, string name, IReadOnlyList<string> items)
    {
        if (name.Length == 0)
        {
            return false;
        }
        bool used = false;
        string replacement = Join(items);
        int start = condition.IndexOf(name, StringComparison.Ordinal);
        while (start >= 0)
        {
            int end = start + name.Length;
            bool delimitedBefore = start == 0 || Delimiters.Contains(condition[start - 1]);
            bool delimitedAfter = end >= condition.Length || Delimiters.Contains(condition[end]);
            if (delimitedBefore && delimitedAfter)
            {
                // Swallow the blanks around the name; the replacement brings its own single spaces.
                while (start > 0 && Blanks.Contains(condition[start - 1]))
                {
                    start--;
                }
                while (end < condition.Length && Blanks.Contains(condition[end]))
                {
                    end++;
                }
                if (replacement.Length == 0)
                {
                    if (start > 0 && condition[start - 1] == ',')
                    {
                        start--;
                    }
                    else if (end < condition.Length && condition[end] == ',')
                    {
                        end++;
                    }
                }
                var text = new StringBuilder(condition.Length + replacement.Length + 2);
                if (start > 0)
                {
                    text.Append(condition, 0, start).Append(' ');
                }
                text.Append(replacement).Append(' ');
                if (end <= condition.Length)
                {
                    text.Append(condition, end, condition.Length - end);
                }
                condition = text.ToString();
                start += replacement.Length + 1;
                used = true;
            }
            start = start + 1 < condition.Length ? condition.IndexOf(name, start + 1, StringComparison.Ordinal) : -1;
        }
        return used;
    }

    private static string Join(IReadOnlyList<string> items)
    {
        var text = new StringBuilder();
        foreach (string item in items)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }
            text.Append(ExceptionRewriter.Quote(item));
        }
        return text.ToString();
    }
}
