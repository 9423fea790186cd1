using Falconet.Core.Alerts;
using Falconet.Fields.OutputFormats;
using Falconet.Rules.Conditions;

namespace Falconet.Rules.Loading;

/// <summary>
/// A compiled rule, ready for the engine: the expanded condition AST, its event types, and the
/// metadata Falco prints in alerts and in <c>-L</c>.
/// </summary>
public sealed class CompiledRule
{
    internal CompiledRule(RuleInfo info, ConditionNode condition, IReadOnlySet<string> exceptionFields, EventTypeSet eventTypeNames,
        string output, CompiledCondition compiledCondition, OutputFormat format)
    {
        CompiledCondition = compiledCondition;
        Format = format;
        Info = info;
        Condition = condition;
        ExceptionFields = exceptionFields;
        EventTypeNames = eventTypeNames;
        EventTypes = eventTypeNames.ToEventTypeIds();
        Output = output;
    }

    /// <summary>The rule as collected (condition text as written after appends, contexts for diagnostics).</summary>
    public RuleInfo Info { get; }

    /// <summary>The rule name, as alerts carry it.</summary>
    public string Name => Info.Name;

    /// <summary>The condition after exceptions, list substitution and macro expansion.</summary>
    public ConditionNode Condition { get; }

    /// <summary>
    /// <see cref="Condition"/> bound to the fields and compiled to evaluators, once, by the loader. It holds extractor
    /// state, so one engine at a time runs a rule set.
    /// </summary>
    public CompiledCondition CompiledCondition { get; }

    /// <summary><see cref="Output"/> compiled with the <c>*</c> prefix (missing values print as <c>&lt;NA&gt;</c>), as Falco renders rule outputs.</summary>
    public OutputFormat Format { get; }

    /// <summary>The rule priority, as alerts carry it.</summary>
    public Priority Priority => Info.Priority;
    /// <summary>The rule tags, matched by <c>rules:</c> selectors and printed in alerts.</summary>
    public IReadOnlyCollection<string> Tags => Info.Tags;
    /// <summary>The event source (<c>syscall</c> for the rules Falconet runs).</summary>
    public string Source => Info.Source;

    /// <summary>The output format string (trimmed; <c>%container.info</c> removed).</summary>
    public string Output { get; }

    /// <summary>The <c>desc</c> text.</summary>
    public string Description => Info.Description;
    /// <summary>The rule's own <c>enabled</c> flag, before <c>rules:</c> selectors.</summary>
    public bool Enabled => Info.Enabled;
    /// <summary>The <c>capture</c> flag, listed by <c>-L</c>.</summary>
    public bool Capture => Info.Capture;
    /// <summary>The <c>capture_duration</c>, listed by <c>-L</c>.</summary>
    public ulong CaptureDuration => Info.CaptureDuration;

    /// <summary>
    /// The event type codes (<c>PPME_*</c>, enter and exit) the condition can match, sorted; every code when the
    /// condition does not restrict <c>evt.type</c>. Events of other types never need to run this rule. A syscall
    /// name without a dedicated event (<c>evt.type = alarm</c>) brings in the generic event types.
    /// </summary>
    public IReadOnlyList<ushort> EventTypes { get; }

    /// <summary>The <c>evt.type</c> names the condition can match, as Falco computes them (<c>asyncevent</c> included).</summary>
    public EventTypeSet EventTypeNames { get; }

    /// <summary>The fields the rule's exceptions compare, sorted, listed by <c>-L</c>.</summary>
    public IReadOnlySet<string> ExceptionFields { get; }

    /// <summary>Definition order: rules run in this order.</summary>
    public int Index => Info.Index;
}
