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

    /// <summary>The members among every name <c>evt.type</c> can take (<see cref="EventTypeNames.All"/>), sorted.</summary>
    public IEnumerable<string> Enumerate() => Enumerate(EventTypeNames.All).Order(StringComparer.Ordinal);

    /// <summary>
    /// The event types (<c>PPME_*</c> codes, enter and exit) whose events can report a name of this set, sorted: what
    /// a rule is indexed by. A syscall name without a dedicated event brings in the generic events.
    /// </summary>
    public ushort[] ToEventTypeIds()
    {
        var ids = new SortedSet<ushort>();
        foreach (string name in IsComplement ? Enumerate(EventTypeNames.All) : _names)
        {
            foreach (ushort id in EventTypeNames.EventTypesOf(name))
            {
                ids.Add(id);
            }
        }
        return [.. ids];
    }

    /// <summary>Whether events of type <paramref name="id"/> can report a name of this set (for indexing rules by event type).</summary>
    public bool ContainsEventId(int id) => EventTable.IsKnown(id) && Array.BinarySearch(ToEventTypeIds(), (ushort)id) >= 0;

    public override string ToString() => (IsComplement ? "all but " : "") + "{" + string.Join(", ", _names.Order(StringComparer.Ordinal)) + "}";
}

/// <summary>
/// Which event types a condition can match (falco-reference §2.7): negations are pushed to the leaves,
/// <c>and</c> intersects, <c>or</c> unites; <c>evt.type</c> comparisons give their sets, <c>evt.num</c>
/// comparisons that can never hold give the empty set, every other leaf gives all types.
/// </summary>
/// <remarks>
/// An unexpanded macro reference counts as all types. <see cref="EventTypeExtractionOptions.Falco"/> gives the sets
/// Falco 0.44.1 reports and indexes rules by.
/// </remarks>
public static class EventTypeExtraction
{
    public const string EventTypeField = "evt.type";
    public const string EventNumberField = "evt.num";

    /// <summary>The name of the async event, whose <c>evt.type</c> is only known at run time.</summary>
    public const string AsyncEventName = "asyncevent";

    public static EventTypeSet Compute(ConditionNode condition) => Compute(condition, EventTypeExtractionOptions.Default);

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

/// <summary>Variations of <see cref="EventTypeExtraction"/>.</summary>
public sealed record EventTypeExtractionOptions
{
    /// <summary>The plain algorithm of falco-reference §2.7.</summary>
    public static EventTypeExtractionOptions Default { get; } = new();

    /// <summary>
    /// What Falco 0.44.1 computes (its <c>-L</c> <c>events</c> lists): a positive <c>evt.type</c> check also admits
    /// <c>asyncevent</c>, and <c>evt.num</c> checks do not restrict (its <c>never_true</c> macro, <c>evt.num=0</c>,
    /// lists every event).
    /// </summary>
    public static EventTypeExtractionOptions Falco { get; } = new() { PositiveTypeAdmitsAsyncEvent = true, NeverTrueEventNumberIsEmpty = false };

    /// <summary>
    /// A check that <c>evt.type</c> is one of some names also admits <c>asyncevent</c>: async events carry a name that
    /// is only known at run time, so they may report any of them.
    /// </summary>
    public bool PositiveTypeAdmitsAsyncEvent { get; init; }

    /// <summary><c>evt.num = 0</c> and its equivalents can never hold, so they give the empty set.</summary>
    public bool NeverTrueEventNumberIsEmpty { get; init; } = true;
}
