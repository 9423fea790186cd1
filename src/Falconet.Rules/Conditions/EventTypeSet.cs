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

    /// <summary>Every event type: the condition does not restrict <c>evt.type</c>.</summary>
    public static EventTypeSet All { get; } = new([], true);

    /// <summary>No event type: the condition can never match.</summary>
    public static EventTypeSet Empty { get; } = new([], false);

    /// <summary>True when the set is "every type except <see cref="Names"/>".</summary>
    public bool IsComplement { get; }

    /// <summary>The listed names (members when finite, exclusions when a complement).</summary>
    public IReadOnlySet<string> Names => _names;

    /// <summary>Whether this is <see cref="All"/>.</summary>
    public bool IsAll => IsComplement && _names.Count == 0;

    /// <summary>Whether no name is in the set.</summary>
    public bool IsEmpty => !IsComplement && _names.Count == 0;

    /// <summary>The set of the given event names.</summary>
    public static EventTypeSet Of(IEnumerable<string> names) => new(new HashSet<string>(names, StringComparer.Ordinal), false);

    /// <summary>Whether an event of this name can match.</summary>
    public bool Contains(string name) => _names.Contains(name) != IsComplement;

    /// <summary>The event types this set leaves out (for <c>not</c>).</summary>
    public EventTypeSet Complement() => new(_names, !IsComplement);

    /// <summary>The event types either set allows (for <c>or</c>).</summary>
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

    /// <summary>The event types both sets allow (for <c>and</c>).</summary>
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

    /// <summary>The names, sorted, in braces; <c>all but {...}</c> for a complement.</summary>
    public override string ToString() => (IsComplement ? "all but " : "") + "{" + string.Join(", ", _names.Order(StringComparer.Ordinal)) + "}";
}
