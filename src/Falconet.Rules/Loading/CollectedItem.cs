namespace Falconet.Rules.Loading;

/// <summary>
/// A list or macro as collected from rules files. <see cref="Index"/> is the position of its first definition in the
/// load order, <see cref="Visibility"/> the position of its last definition or append: a list only sees lists, and a
/// macro only sees macros, whose index is below its visibility.
/// </summary>
public abstract class CollectedItem(string name, LoadContext context)
{
    /// <summary>The <c>list:</c> or <c>macro:</c> name.</summary>
    public string Name { get; } = name;

    /// <summary>Where the item was (last) defined, for diagnostics.</summary>
    public LoadContext Context { get; internal set; } = context;

    /// <summary>Load-order position of the first definition; a redefinition keeps it.</summary>
    public int Index { get; internal set; }

    /// <summary>Load-order position of the last definition or append.</summary>
    public int Visibility { get; internal set; }
}
