using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;
using OutputFormat = Falconet.Fields.OutputFormats.OutputFormat;

namespace Falconet.Engine;

/// <summary>A rule as the engine runs it: compiled condition, compiled output, counters.</summary>
public sealed class ActiveRule
{
    internal ActiveRule(CompiledRule rule, string[] tags)
    {
        Rule = rule;
        Tags = tags;
    }

    /// <summary>The rule as the loader compiled it.</summary>
    public CompiledRule Rule { get; }
    /// <summary>The loader's compiled condition, evaluated per event.</summary>
    public CompiledCondition Condition => Rule.CompiledCondition;
    /// <summary>The loader's compiled output, rendered per alert.</summary>
    public OutputFormat Output => Rule.Format;
    /// <summary>The rule's tags as an array, shared by every alert the rule raises.</summary>
    public string[] Tags { get; }

    /// <summary>Alerts this rule produced.</summary>
    public long Matches { get; internal set; }
}
