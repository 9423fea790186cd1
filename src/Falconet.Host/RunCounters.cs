using Falconet.Capture.Bpf;
using Falconet.Core.Alerts;

namespace Falconet.Host;

/// <summary>
/// The run's counters. Only the event thread writes them (plain stores, single writer); the web server and the
/// metrics snapshots read them with <see cref="Volatile"/> reads, so a scrape takes no lock and never waits.
/// </summary>
internal sealed class RunCounters
{
    public long EventsRead;
    public long Alerts;
    public readonly long[] AlertsByPriority = new long[(int)Priority.Debug + 1];

    public bool Live;
    private long _kernelReceived;
    private long _kernelProduced;
    private long _kernelDroppedRingFull;
    private long _kernelDroppedOther;
    private long _kernelDecodeErrors;

    public void CountAlert(Priority priority)
    {
        Volatile.Write(ref Alerts, Alerts + 1);
        ref long slot = ref AlertsByPriority[(int)priority];
        Volatile.Write(ref slot, slot + 1);
    }

    /// <summary>The latest counters of the kernel probe (live only), stored field by field so nothing is allocated.</summary>
    public void SetKernelStats(LiveCaptureStats stats)
    {
        Volatile.Write(ref _kernelReceived, (long)stats.Received);
        Volatile.Write(ref _kernelProduced, (long)stats.Produced);
        Volatile.Write(ref _kernelDroppedRingFull, (long)stats.DroppedRingFull);
        Volatile.Write(ref _kernelDroppedOther, (long)stats.DroppedOther);
        Volatile.Write(ref _kernelDecodeErrors, (long)stats.DecodeErrors);
    }

    public LiveCaptureStats KernelStats => new(
        (ulong)Volatile.Read(ref _kernelReceived),
        (ulong)Volatile.Read(ref _kernelProduced),
        (ulong)Volatile.Read(ref _kernelDroppedRingFull),
        (ulong)Volatile.Read(ref _kernelDroppedOther),
        (ulong)Volatile.Read(ref _kernelDecodeErrors));
}
