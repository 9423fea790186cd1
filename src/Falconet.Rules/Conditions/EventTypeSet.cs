using Falconet.Core.Events;

namespace Falconet.Rules.Conditions;

/// <summary>
/// A set of event type names that is either finite (<c>{open, openat}</c>) or the complement of a finite set
/// (all but <c>{openat}</c>), so that negation is exact without knowing every syscall name.
/// </summary>
public sealed class EventTypeSet
{
    private readonly HashSet<string> _names;

    private EventTypeSet(HashSet<string> names, bool isComplement)
    {
        _names = names;
        IsComplement = isComplement;
    }

    public static EventTypeSet All { get; } = new([], true);

    public static EventTypeSet Empty { get; } = new([], false);

    /// <summary>True when the set is "every type except <see cref="Names"/>".</summary>
    public bool IsComplement { get; }

    /// <summary>The listed names (members when finite, exclusions when a complement).</summary>
    public IReadOnlySet<string> Names => _names;

    public bool IsAll => IsComplement && _names.Count == 0;

    public bool IsEmpty => !IsComplement && _names.Count == 0;

    public static EventTypeSet Of(IEnumerable<string> names) => new(new HashSet<string>(names, StringComparer.Ordinal), false);

    public bool Contains(string name) => _names.Contains(name) != IsComplement;

    public EventTypeSet Complement() => new(_names, !IsComplement);

    public EventTypeSet Union(EventTypeSet other)
    {
        if (!IsComplement && !other.IsComplement)
        {
            return new(new HashSet<string>(_names.Concat(other._names), StringComparer.Ordinal), false);
        }
        if (IsComplement && other.IsComplement)
        {
            var both = new HashSet<string>(_names, StringComparer.Ordinal);
            both.IntersectWith(other._names);
            return new(both, true);
        }
        // Complement of (excluded minus the finite members).
        (EventTypeSet complement, EventTypeSet finite) = IsComplement ? (this, other) : (other, this);
        var excluded = new HashSet<string>(complement._names, StringComparer.Ordinal);
        excluded.ExceptWith(finite._names);
        return new(excluded, true);
    }

    public EventTypeSet Intersect(EventTypeSet other) => Complement().Union(other.Complement()).Complement();

    /// <summary>The members of this set within <paramref name="universe"/> (e.g. every event and syscall name).</summary>
    public IEnumerable<string> Enumerate(IEnumerable<string> universe) =>
        IsComplement ? universe.Where(n => !_names.Contains(n)) : universe.Where(_names.Contains);

    /// <summary>The event ids of <see cref="EventTable"/> whose name is in this set (for indexing rules by event type).</summary>
    public bool ContainsEventId(int id) => EventTable.IsKnown(id) && Contains(EventTable.Get(id).Name);

    public override string ToString() => (IsComplement ? "all but " : "") + "{" + string.Join(", ", _names.Order(StringComparer.Ordinal)) + "}";
}

/// <summary>
/// Which event types a condition can match (falco-reference §2.7): negations are pushed to the leaves,
/// <c>and</c> intersects, <c>or</c> unites; <c>evt.type</c> comparisons give their sets, <c>evt.num</c>
/// comparisons that can never hold give the empty set, every other leaf gives all types.
/// </summary>
/// <remarks>
/// Falco's describe output additionally lists <c>asyncevent</c> for every rule with a finite set (async events may
/// carry any name); that is a property of Falco's indexing, left to the caller. An unexpanded macro reference
/// counts as all types.
/// </remarks>
public static class EventTypeExtraction
{
    public const string EventTypeField = "evt.type";
    public const string EventNumberField = "evt.num";

    public static EventTypeSet Compute(ConditionNode condition) => Compute(condition, negated: false);

    private static EventTypeSet Compute(ConditionNode node, bool negated)
    {
        switch (node)
        {
            case AndNode and:
                return Combine(and.Children, negated, intersect: !negated);
            case OrNode or:
                return Combine(or.Children, negated, intersect: negated);
            case NotNode not:
                return Compute(not.Operand, !negated);
            case BinaryCheckNode check when check.Left is FieldRefNode { Name: EventTypeField, Argument: null } && check.Modifier == ListModifier.None:
                EventTypeSet? set = EventTypeLeaf(check);
                if (set is null)
                {
                    return EventTypeSet.All;
                }
                return negated ? set.Complement() : set;
            case BinaryCheckNode check when check.Left is FieldRefNode { Name: EventNumberField, Argument: null } && check.Modifier == ListModifier.None:
                bool never = IsNeverTrueEventNumber(check);
                return never && !negated ? EventTypeSet.Empty : EventTypeSet.All;
            default:
                return EventTypeSet.All;
        }
    }

    private static EventTypeSet Combine(IReadOnlyList<ConditionNode> children, bool negated, bool intersect)
    {
        EventTypeSet result = intersect ? EventTypeSet.All : EventTypeSet.Empty;
        foreach (ConditionNode child in children)
        {
            EventTypeSet childSet = Compute(child, negated);
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
