using System.Buffers;
using System.Text;
using System.Text.Json;
using Falconet.Core.Alerts;
using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.Fields.Formatting;
using OutputFormat = Falconet.Fields.Formatting.OutputFormat;
using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;
using Falconet.State;

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
