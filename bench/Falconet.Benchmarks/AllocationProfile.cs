using Falconet.Core.Alerts;
using Falconet.Core.Events;
using Falconet.Engine;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.Benchmarks;

/// <summary>
/// Bytes allocated (and, for the time profile, stopwatch ticks spent) by one stage for one event type, over a capture.
/// </summary>
public sealed record AllocationRow(string EventName, long Events, long StateBytes, long EngineBytes, long StateTicks = 0, long EngineTicks = 0);

/// <summary>
/// Not a benchmark: attributes the managed allocations of <see cref="SystemState.Process"/> and
/// <see cref="RuleEngine.Evaluate"/> to event types over a capture, to find where bytes/event come from.
/// Counts bytes only (GC.GetAllocatedBytesForCurrentThread around each call); nothing is timed.
/// </summary>
public static class AllocationProfile
{
    /// <summary>
    /// With <paramref name="timed"/>, also sums <see cref="System.Diagnostics.Stopwatch"/> ticks per stage and type. Only a
    /// pointer to where time goes: each call is bracketed by two timestamp reads (tens of ns), and on a shared machine
    /// preemption lands on whichever type is running.
    /// </summary>
    public static IReadOnlyList<AllocationRow> Run(string capturePath, RuleEngine? engine, long maxEvents, bool timed = false)
    {
        var stateTicks = new long[EventTable.EventMax];
        var engineTicks = new long[EventTable.EventMax];
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
            long t0 = timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            bool delivered = state.Process(evt);
            long afterState = GC.GetAllocatedBytesForCurrentThread();
            long t1 = timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            if (delivered && engine is not null)
            {
                engine.Evaluate(state.Context, onAlert);
            }
            long afterEngine = GC.GetAllocatedBytesForCurrentThread();
            long t2 = timed ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            if (type < events.Length)
            {
                events[type]++;
                stateBytes[type] += afterState - before;
                engineBytes[type] += afterEngine - afterState;
                stateTicks[type] += t1 - t0;
                engineTicks[type] += t2 - t1;
            }
        }
        var rows = new List<AllocationRow>();
        for (int t = 0; t < events.Length; t++)
        {
            if (events[t] > 0)
            {
                EventInfo info = EventTable.Get(t);
                rows.Add(new AllocationRow(info.Name + (info.IsEnter ? ">" : "<"), events[t], stateBytes[t], engineBytes[t], stateTicks[t], engineTicks[t]));
            }
        }
        return timed
            ? rows.OrderByDescending(r => r.StateTicks + r.EngineTicks).ToList()
            : rows.OrderByDescending(r => r.StateBytes + r.EngineBytes).ToList();
    }
}
