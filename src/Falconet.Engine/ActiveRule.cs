using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;
using OutputFormat = Falconet.Fields.Formatting.OutputFormat;

namespace Falconet.Engine;

/// <summary>A rule as the engine runs it: compiled condition, compiled output, counters.</summary>
public sealed class ActiveRule
{
    internal ActiveRule(CompiledRule rule, string[] tags)
    {
        Rule = rule;
        Tags = tags;
    }

    public CompiledRule Rule { get; }
    public CompiledCondition Condition => Rule.CompiledCondition;
    public OutputFormat Output => Rule.Format;
    public string[] Tags { get; }

    /// <summary>Alerts this rule produced.</summary>
    public long Matches { get; internal set; }
}
