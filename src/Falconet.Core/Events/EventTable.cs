using System.Collections.Frozen;

namespace Falconet.Core.Events;

/// <summary>The libs event table at the version Falco 0.44.1 uses: 454 event types by id.</summary>
/// <remarks>The rows are data (<c>EventTable.g.tsv</c>, an embedded resource written by
/// <c>tools/gen-event-table.py</c>), read once when the table is first used.</remarks>
public static class EventTable
{
    /// <summary>Number of event types (PPM_EVENT_MAX); every id is below it.</summary>
    public const int EventMax = WireConstants.EventMax;

    private const string ResourceName = "Falconet.Core.Events.EventTable.g.tsv";

    private static readonly EventInfo[] s_events = Build();
    private static readonly FrozenDictionary<string, ushort[]> s_idsByName = s_events
        .Where(e => !e.IsUnused)
        .GroupBy(e => e.Name, StringComparer.Ordinal)
        .ToFrozenDictionary(g => g.Key, g => g.Select(e => e.Id).ToArray(), StringComparer.Ordinal);
    private static readonly ushort[] s_currentId = BuildCurrentIds();
    private static readonly FrozenDictionary<string, ushort> s_idByEnumName = s_events
        .ToFrozenDictionary(e => e.EnumName, e => e.Id, StringComparer.Ordinal);

    /// <summary>Every event type, indexed by id.</summary>
    public static IReadOnlyList<EventInfo> All => s_events;

    /// <summary>True when <paramref name="id"/> is an event type of this table.</summary>
    public static bool IsKnown(int id) => (uint)id < (uint)s_events.Length;

    /// <summary>The row of event type <paramref name="id"/> (which must be known).</summary>
    public static EventInfo Get(int id) => s_events[id];

    /// <summary>All event ids (enter and exit, every version) whose name is <paramref name="name"/>.</summary>
    public static ReadOnlySpan<ushort> IdsByName(string name) =>
        s_idsByName.TryGetValue(name, out ushort[]? ids) ? ids : ReadOnlySpan<ushort>.Empty;

    /// <summary>The id of the libs enum name <paramref name="enumName"/> (e.g. <c>PPME_SYSCALL_OPENAT_2_X</c>).</summary>
    public static ushort IdOf(string enumName) =>
        s_idByEnumName.TryGetValue(enumName, out ushort id) ? id : throw new ArgumentException($"no event type {enumName}", nameof(enumName));

    /// <summary>Every event name of a used event type.</summary>
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

    private static EventInfo[] Build()
    {
        using Stream stream = typeof(EventTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        var events = new EventInfo[EventMax];
        int count = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            EventInfo info = ParseRow(line);
            if (info.Id != count)
            {
                throw new InvalidOperationException($"{ResourceName}: row {count} has id {info.Id}");
            }
            events[count++] = info;
        }
        return count == EventMax ? events : throw new InvalidOperationException($"{ResourceName}: {count} rows, expected {EventMax}");
    }

    // id, enum, name, category, flags, then name:type:format:info for each parameter.
    private static EventInfo ParseRow(string line)
    {
        string[] columns = line.Split('\t');
        var parameters = new ParamInfo[columns.Length - 5];
        for (int i = 0; i < parameters.Length; i++)
        {
            string[] p = columns[5 + i].Split(':');
            parameters[i] = new ParamInfo(p[0], Enum.Parse<ParamType>(p[1]), Enum.Parse<ParamFormat>(p[2]), p[3]);
        }
        return new EventInfo(
            ushort.Parse(columns[0], System.Globalization.CultureInfo.InvariantCulture),
            columns[1],
            columns[2],
            Enum.Parse<EventCategory>(columns[3]),
            Enum.Parse<EventFlags>(columns[4]),
            parameters);
    }
}
