namespace Falconet.Rules.Loading;

/// <summary>A list as collected from rules files (items after appends).</summary>
public sealed class ListInfo(string name, LoadContext context) : CollectedItem(name, context)
{
    /// <summary>The items as written, appends included; references to other lists are expanded at compile time.</summary>
    public List<string> Items { get; } = [];
}
