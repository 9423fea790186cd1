using Falconet.Rules.Conditions;

namespace Falconet.Rules.Loading;

/// <summary>A macro with its condition parsed, lists substituted and earlier macros expanded.</summary>
public sealed class CompiledMacro(MacroInfo info, ConditionNode condition)
{
    /// <summary>The macro as collected.</summary>
    public MacroInfo Info { get; } = info;
    /// <summary>The macro name.</summary>
    public string Name => Info.Name;
    /// <summary>The condition tree with lists substituted and visible macros expanded.</summary>
    public ConditionNode Condition { get; internal set; } = condition;

    /// <summary>Whether another macro or a rule referred to it.</summary>
    public bool Used { get; internal set; }
}
