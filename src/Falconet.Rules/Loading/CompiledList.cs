using Falconet.Rules.Conditions;

namespace Falconet.Rules.Loading;

/// <summary>A list after list-in-list expansion (an item naming a list defined earlier becomes that list's raw items, one level deep).</summary>
public sealed class CompiledList(ListInfo info, IReadOnlyList<string> items, IReadOnlyList<string> referencedLists)
{
    /// <summary>The list as collected.</summary>
    public ListInfo Info { get; } = info;
    /// <summary>The list name.</summary>
    public string Name => Info.Name;

    /// <summary>Items with references to earlier lists replaced by those lists' raw items.</summary>
    public IReadOnlyList<string> Items { get; } = items;

    /// <summary>
    /// <see cref="Items"/> as values in a condition: an item written quoted (<c>'"10.0.0.0/8"'</c>) stands for the
    /// unquoted string, as if the list had been pasted into the condition text.
    /// </summary>
    public IReadOnlyList<string> ExpandedItems { get; } =
        [.. items.Select(item => ConditionParser.TryReadQuotedString(item, out string? value) ? value : item)];

    /// <summary>The lists this list's items named (and that were expanded).</summary>
    public IReadOnlyList<string> ReferencedLists { get; } = referencedLists;

    /// <summary>Whether any list, macro or rule used it.</summary>
    public bool Used { get; internal set; }
}
