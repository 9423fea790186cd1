using Falconet.Core.Alerts;

namespace Falconet.Rules.Loading;

/// <summary>
/// A list as collected from rules files (after appends). <see cref="Index"/> is the position of its first
/// definition in the load order, <see cref="Visibility"/> the position of its last definition or append:
/// a list only sees lists, and a macro only sees macros, whose index is below its visibility.
/// </summary>
public sealed class ListInfo(string name, LoadContext context)
{
    public string Name { get; } = name;
    public List<string> Items { get; } = [];
    public LoadContext Context { get; internal set; } = context;
    public int Index { get; internal set; }
    public int Visibility { get; internal set; }
}
