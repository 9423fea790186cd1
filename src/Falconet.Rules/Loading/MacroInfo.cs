namespace Falconet.Rules.Loading;

/// <summary>A macro as collected (condition text after appends).</summary>
public sealed class MacroInfo(string name, LoadContext context) : CollectedItem(name, context)
{
    /// <summary>The condition text, appends joined with a space.</summary>
    public string Condition { get; internal set; } = "";

    /// <summary>Where the <c>condition:</c> value starts, so condition errors point inside it.</summary>
    public LoadContext ConditionContext { get; internal set; } = context;
}
