using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>The result of compiling a condition: both evaluation backends, the event types it can match and warnings.</summary>
public sealed class CompiledCondition
{
    internal CompiledCondition(ConditionNode source, BoundNode bound, ConditionEvaluator evaluator, IReadOnlyList<ConditionWarning> warnings)
    {
        Source = source;
        Bound = bound;
        Evaluator = evaluator;
        Warnings = warnings;
        EventTypes = EventTypeExtraction.Compute(source);
    }

    /// <summary>The condition tree that was compiled (macros expanded).</summary>
    public ConditionNode Source { get; }
    internal BoundNode Bound { get; }
    internal ConditionEvaluator Evaluator { get; }
    /// <summary>Non-fatal findings of the compile, such as a value that looks like a field name.</summary>
    public IReadOnlyList<ConditionWarning> Warnings { get; }
    /// <summary>The <c>evt.type</c> values the condition can match (default extraction options).</summary>
    public EventTypeSet EventTypes { get; }

    /// <summary>The fast path: the tree of compiled evaluators; allocates nothing per event.</summary>
    public bool Evaluate(EventContext context) => Evaluator.Evaluate(context);

    /// <summary>The reference path: walks <see cref="Bound"/> and converts literals on every call.</summary>
    public bool Interpret(EventContext context) => ConditionInterpreter.Evaluate(Bound, context);
}
