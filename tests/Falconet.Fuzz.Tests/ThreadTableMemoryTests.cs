using Falconet.Core.Events;
using Falconet.State;
using static Falconet.Scap.Tests.RawCaptureBuilder;

namespace Falconet.Fuzz.Tests;

/// <summary>
/// The thread table at its bound keeps memory bounded: a stream of ever new threads, each with an open file, does
/// not grow the heap once the table is full (alone in its collection because it measures the heap).
/// </summary>
[Collection(MemoryMeasuringCollection.Name)]
public sealed class ThreadTableMemoryTests
{
    private const ulong Ts = 1_700_000_000_000_000_000;
    private const ushort OpenatExit = 307;

    [Fact]
    public void New_threads_past_the_bound_do_not_grow_the_heap()
    {
        const int capacity = 2000;
        const int threads = 300_000;
        var state = new SystemState();
        state.ThreadTable.Capacity = capacity;
        var evt = new ScapEvent();
        long full = 0;
        for (int i = 0; i < threads; i++)
        {
            byte[] record = EncodeEvent(OpenatExit, Ts + (ulong)i, 10_000 + i, [I64(3 + (i % 64)), I64(-100), Str("/var/lib/some/file/" + i), U32(1), U32(0), U32(0)], v1Header: false);
            Assert.Null(evt.Decode(record, v1Header: false));
            evt.Number = (ulong)i + 1;
            state.Process(evt);
            if (i == 10 * capacity)
            {
                // Full for a while, so that the table's own storage has reached its size.
                full = GC.GetTotalMemory(forceFullCollection: true);
            }
        }
        long end = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(capacity, state.ThreadTable.Count);
        Assert.Equal(threads - capacity, state.ThreadTable.Evictions);
        // 280 000 more threads with a file each would be tens of MB if kept; the bound allows noise only.
        long growth = end - full;
        Assert.True(growth < 4 * 1024 * 1024, $"heap grew by {growth} bytes from {full} while {threads - (10 * capacity)} more threads came and went");
        GC.KeepAlive(state);
    }
}
