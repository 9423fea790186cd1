namespace Falconet.Rules.Conditions;

/// <summary>
/// Which event types a condition can match, as Falco indexes rules: negations are pushed to the leaves,
/// <c>and</c> intersects, <c>or</c> unites; <c>evt.type</c> comparisons give their sets, <c>evt.num</c>
/// comparisons that can never hold give the empty set, every other leaf gives all types.
/// </summary>
/// <remarks>
/// An unexpanded macro reference counts as all types. <see cref="EventTypeExtractionOptions.Falco"/> gives the sets
/// Falco 0.44.1 reports and indexes rules by.
/// </remarks>
public static class EventTypeExtraction
{
    /// <summary>The field whose comparisons restrict the event types.</summary>
    public const string EventTypeField = "evt.type";
    /// <summary><c>evt.num</c>, special-cased by the extraction (see <see cref="Compute(ConditionNode, EventTypeExtractionOptions)"/>).</summary>
    public const string EventNumberField = "evt.num";

    /// <summary>The name of the async event, whose <c>evt.type</c> is only known at run time.</summary>
    public const string AsyncEventName = "asyncevent";

    /// <summary>The event types the condition can match, with the default options.</summary>
    public static EventTypeSet Compute(ConditionNode condition) => Compute(condition, EventTypeExtractionOptions.Default);

    /// <summary>The event types the condition can match.</summary>
    public static EventTypeSet Compute(ConditionNode condition, EventTypeExtractionOptions options) => Compute(condition, negated: false, options);

    private static EventTypeSet Compute(ConditionNode node, bool negated, EventTypeExtractionOptions options)
    {
        switch (node)
        {
            case AndNode and:
                return Combine(and.Children, negated, intersect: !negated, options);
            case OrNode or:
                return Combine(or.Children, negated, intersect: negated, options);
            case NotNode not:
                return Compute(not.Operand, !negated, options);
            case BinaryCheckNode check when check.Left is FieldRefNode { Name: EventTypeField, Argument: null } && check.Modifier == ListModifier.None:
                EventTypeSet? set = EventTypeLeaf(check);
                if (set is null)
                {
                    return EventTypeSet.All;
                }
                bool positive = set.IsComplement == negated;
                set = negated ? set.Complement() : set;
                return positive && options.PositiveTypeAdmitsAsyncEvent ? set.Union(EventTypeSet.Of([AsyncEventName])) : set;
            case BinaryCheckNode check when options.NeverTrueEventNumberIsEmpty
                && check.Left is FieldRefNode { Name: EventNumberField, Argument: null } && check.Modifier == ListModifier.None:
                bool never = IsNeverTrueEventNumber(check);
                return never && !negated ? EventTypeSet.Empty : EventTypeSet.All;
            default:
                return EventTypeSet.All;
        }
    }

    private static EventTypeSet Combine(IReadOnlyList<ConditionNode> children, bool negated, bool intersect, EventTypeExtractionOptions options)
    {
        EventTypeSet result = intersect ? EventTypeSet.All : EventTypeSet.Empty;
        foreach (ConditionNode child in children)
        {
            EventTypeSet childSet = Compute(child, negated, options);
            result = intersect ? result.Intersect(childSet) : result.Union(childSet);
        }
        return result;
    }

    private static EventTypeSet? EventTypeLeaf(BinaryCheckNode check)
    {
        switch (check.Operator)
        {
            case ComparisonOperator.Equal when check.Right is ValueNode value:
                return EventTypeSet.Of([value.Value]);
            case ComparisonOperator.NotEqual when check.Right is ValueNode value:
                return EventTypeSet.Of([value.Value]).Complement();
            case ComparisonOperator.In or ComparisonOperator.Intersects when check.Right is ListValueNode list:
                return EventTypeSet.Of(list.Items.OfType<ValueNode>().Select(v => v.Value));
            case ComparisonOperator.In or ComparisonOperator.Intersects when check.Right is ValueNode value:
                return EventTypeSet.Of([value.Value]);
            default:
                return null;
        }
    }

    private static bool IsNeverTrueEventNumber(BinaryCheckNode check) => (check.Operator, check.Right) switch
    {
        (ComparisonOperator.Equal, ValueNode { Value: "0" }) => true,
        (ComparisonOperator.Less, ValueNode { Value: "1" }) => true,
        (ComparisonOperator.LessOrEqual, ValueNode { Value: "0" }) => true,
        (ComparisonOperator.In, ListValueNode list) => list.Items.Count == 0 || (list.Items.Count == 1 && list.Items[0] is ValueNode { Value: "0" }),
        _ => false,
    };
}
