using Falconet.Core.Events;
using Falconet.Host;

namespace Falconet.Host.Tests;

/// <summary>The ring that keeps the events before a rule-triggered capture: order, window, wrap-around, overflow.</summary>
public sealed class EventRingTests
{
    private const ulong Ms = 1_000_000;

    private static ScapEvent Event(ulong ts, int payload)
    {
        // write exit (id 9): res, data; the data makes the size vary.
        return EventBuilder.Create(9, ts, 4242).Errno(payload).ByteBuf(new string('x', payload)).Build();
    }

    private static List<(ulong Ts, long Res, int Length)> Contents(EventRing ring, ulong from = 0)
    {
        var seen = new List<(ulong, long, int)>();
        ring.ForEach(from, new ScapEvent(), e => seen.Add((e.Timestamp, e.GetInt64OrDefault(0), e.GetParam(1).Length)));
        return seen;
    }

    [Fact]
    public void Keeps_the_events_of_the_window_in_order_and_decodes_them_unchanged()
    {
        var ring = new EventRing(64 * 1024, 10 * Ms);
        for (ulong i = 1; i <= 30; i++)
        {
            ring.Add(Event(i * Ms, (int)i));
        }
        // Events older than 10 ms before the newest are gone; the rest come back in order, parameters intact.
        List<(ulong Ts, long Res, int Length)> seen = Contents(ring);
        Assert.Equal([.. Enumerable.Range(20, 11).Select(i => ((ulong)i * Ms, (long)i, i))], seen);
        Assert.Equal([.. seen.Where(s => s.Ts >= 25 * Ms)], Contents(ring, 25 * Ms));
    }

    [Fact]
    public void A_full_ring_drops_the_oldest_and_wraps_around_without_losing_the_newest()
    {
        var ring = new EventRing(64 * 1024, ulong.MaxValue / 2);
        var rng = new Random(7);
        int payloadTotal = 0;
        for (ulong i = 1; i <= 5000; i++)
        {
            int payload = rng.Next(1, 3000);
            payloadTotal += payload;
            ring.Add(Event(i, payload));
        }
        Assert.True(payloadTotal > 10 * 64 * 1024, "the test must wrap the ring many times");
        List<(ulong Ts, long Res, int Length)> seen = Contents(ring);
        Assert.NotEmpty(seen);
        // A contiguous run of the newest events, each decoded with its own payload.
        Assert.Equal(5000UL, seen[^1].Ts);
        for (int k = 1; k < seen.Count; k++)
        {
            Assert.Equal(seen[k - 1].Ts + 1, seen[k].Ts);
        }
        Assert.All(seen, s => Assert.Equal(s.Res, s.Length));
        Assert.InRange(seen.Sum(s => s.Length), 64 * 1024 / 3, 64 * 1024);
    }

    [Fact]
    public void An_event_larger_than_a_quarter_of_the_ring_is_not_kept()
    {
        var ring = new EventRing(64 * 1024, ulong.MaxValue / 2);
        ring.Add(Event(1, 10));
        ring.Add(Event(2, 20_000));
        ring.Add(Event(3, 30));
        Assert.Equal([1UL, 3UL], Contents(ring).Select(s => s.Ts));
    }
}
