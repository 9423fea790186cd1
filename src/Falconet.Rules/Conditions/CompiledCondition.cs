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
        var names = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        CollectDomainNames(bound, names);
        DomainNames = [.. names];
    }

    /// <summary>
    /// The exact names the condition compares <c>fd.*ip.name</c> with: what a resolver must look up for the condition
    /// to see Falco's answers (wildcards cannot be looked up and are not listed).
    /// </summary>
    public IReadOnlyList<string> DomainNames { get; }

    private static void CollectDomainNames(BoundNode node, SortedSet<string> names)
    {
        if (node is BoundCheck { Domains: { } domains })
        {
            foreach (Falconet.Dns.DomainPattern pattern in domains.Patterns.Patterns)
            {
                if (pattern.Kind == Falconet.Dns.DomainPatternKind.Exact)
                {
                    names.Add(pattern.Name);
                }
            }
            return;
        }
        BoundNode[] operands = node switch
        {
            BoundAnd and => and.Children,
            BoundOr or => or.Children,
            BoundNot not => [not.Operand],
            _ => [],
        };
        foreach (BoundNode operand in operands)
        {
            CollectDomainNames(operand, names);
        }
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
