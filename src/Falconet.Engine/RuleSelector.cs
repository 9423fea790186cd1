using System.Text.RegularExpressions;

namespace Falconet.Engine;

/// <summary>
/// One entry of falco.yaml's <c>rules:</c> list: enable or disable rules by name (with <c>*</c> wildcards)
/// or by tag (exact). Entries apply in order, after the rules files, and override their <c>enabled</c>.
/// </summary>
public sealed record RuleSelector(bool Enable, string? RulePattern, string? Tag)
{
    private readonly Regex? _pattern = RulePattern is null ? null
        : new Regex("^" + Regex.Escape(RulePattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline);

    /// <summary>Whether this entry names the rule, by name pattern or by one of its tags.</summary>
    public bool Matches(string ruleName, IReadOnlyCollection<string> tags) =>
        (_pattern is not null && _pattern.IsMatch(ruleName)) || (Tag is not null && tags.Contains(Tag));

    /// <summary>Applies the selectors in order to a rule's own <paramref name="enabled"/> flag.</summary>
    public static bool Apply(IReadOnlyList<RuleSelector> selectors, string ruleName, IReadOnlyCollection<string> tags, bool enabled)
    {
        foreach (RuleSelector s in selectors)
        {
            if (s.Matches(ruleName, tags))
            {
                enabled = s.Enable;
            }
        }
        return enabled;
    }
}
