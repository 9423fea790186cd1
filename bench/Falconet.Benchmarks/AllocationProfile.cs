using Falconet.Core.Alerts;
using Falconet.Core.Events;
using Falconet.Engine;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.Benchmarks;

/// <summary>Bytes allocated by one stage for one event type, over a whole capture.</summary>
public sealed record AllocationRow(string EventName, long Events, long StateBytes, long EngineBytes);

/// <summary>
/// Not a benchmark: attributes the managed allocations of <see cref="SystemState.Process"/> and
/// <see cref="RuleEngine.Evaluate"/> to event types over a capture, to find where bytes/event come from.
/// Counts bytes only (GC.GetAllocatedBytesForCurrentThread around each call); nothing is timed.
/// </summary>
public static class AllocationProfile
{
    public static IReadOnlyList<AllocationRow> Run(string capturePath, RuleEngine? engine, long maxEvents)
    {
        var events = new long[EventTable.EventMax];
        var stateBytes = new long[EventTable.EventMax];
        var engineBytes = new long[EventTable.EventMax];
        Action<Alert> onAlert = static _ => { };
        using ScapReader reader = ScapReader.Open(capturePath);
        var state = new SystemState();
        var evt = new ScapEvent();
        reader.ReadHeader(state);
        for (long n = 0; n < maxEvents && reader.TryReadEvent(evt); n++)
        {
            // Attributed to the type as read: the state engine may convert old layouts in place.
            ushort type = evt.Type;
            long before = GC.GetAllocatedBytesForCurrentThread();
            bool delivered = state.Process(evt);
            long afterState = GC.GetAllocatedBytesForCurrentThread();
            if (delivered && engine is not null)
            {
                engine.Evaluate(state.Context, onAlert);
            }
            long afterEngine = GC.GetAllocatedBytesForCurrentThread();
            if (type < events.Length)
            {
                events[type]++;
                stateBytes[type] += afterState - before;
                engineBytes[type] += afterEngine - afterState;
            }
        }
        var rows = new List<AllocationRow>();
        for (int t = 0; t < events.Length; t++)
        {
            if (events[t] > 0)
            {
                EventInfo info = EventTable.Get(t);
                rows.Add(new AllocationRow(info.Name + (info.IsEnter ? ">" : "<"), events[t], stateBytes[t], engineBytes[t]));
            }
        }
        return rows.OrderByDescending(r => r.StateBytes + r.EngineBytes).ToList();
    }
}
