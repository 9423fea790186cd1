using Falconet.Core.Alerts;

namespace Falconet.Rules.Loading;

/// <summary>A macro as collected (condition text after appends).</summary>
public sealed class MacroInfo(string name, LoadContext context)
{
    public string Name { get; } = name;
    public string Condition { get; internal set; } = "";
    public LoadContext Context { get; internal set; } = context;
    public LoadContext ConditionContext { get; internal set; } = context;
    public int Index { get; internal set; }
    public int Visibility { get; internal set; }
}
