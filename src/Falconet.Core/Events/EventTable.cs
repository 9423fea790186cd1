using System.Collections.Frozen;

namespace Falconet.Core.Events;

/// <summary>The libs event table at the version Falco 0.44.1 uses: 454 event types by id.</summary>
public static partial class EventTable
{
    private static readonly EventInfo[] s_events = Build();
    private static readonly FrozenDictionary<string, ushort[]> s_idsByName = s_events
        .Where(e => !e.IsUnused)
        .GroupBy(e => e.Name, StringComparer.Ordinal)
        .ToFrozenDictionary(g => g.Key, g => g.Select(e => e.Id).ToArray(), StringComparer.Ordinal);
    private static readonly ushort[] s_currentId = BuildCurrentIds();

    public static IReadOnlyList<EventInfo> All => s_events;

    public static bool IsKnown(int id) => (uint)id < (uint)s_events.Length;

    public static EventInfo Get(int id) => s_events[id];

    /// <summary>All event ids (enter and exit, every version) whose name is <paramref name="name"/>.</summary>
    public static ReadOnlySpan<ushort> IdsByName(string name) =>
        s_idsByName.TryGetValue(name, out ushort[]? ids) ? ids : ReadOnlySpan<ushort>.Empty;

    public static IEnumerable<string> Names => s_idsByName.Keys;

    /// <summary>
    /// The current (not <c>EF_OLD_VERSION</c>) id of the same name and direction as <paramref name="id"/>:
    /// what libs' converter turns an old layout into. Returns <paramref name="id"/> when it is current already
    /// or has no current successor.
    /// </summary>
    public static ushort CurrentId(int id) => s_currentId[id];

    private static ushort[] BuildCurrentIds()
    {
        var result = new ushort[s_events.Length];
        for (int i = 0; i < s_events.Length; i++)
        {
            EventInfo e = s_events[i];
            result[i] = e.Id;
            if (!e.IsOldVersion || e.IsUnused)
            {
                continue;
            }
            EventInfo? best = null;
            foreach (EventInfo candidate in s_events)
            {
                if (candidate.Name == e.Name && candidate.IsEnter == e.IsEnter && !candidate.IsOldVersion && !candidate.IsUnused)
                {
                    // The newest layout has the highest id.
                    best = candidate;
                }
            }
            if (best is not null)
            {
                result[i] = best.Id;
            }
        }
        return result;
    }
}
