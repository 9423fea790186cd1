using Falconet.Capture.Bpf;
using Falconet.Core.Alerts;
using Falconet.Enforcement;

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
    // Kernel enforcement (live runs with enforcement.mode audit or enforce): 0 until the first copy, then mode + 1.
    private int _enforcementMode;
    private readonly long[] _enforcement = new long[7];

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

    /// <summary>
    /// The latest decision counters of kernel enforcement, copied by the event thread (which owns the enforcer, so a
    /// scrape never touches its maps, even while it is disposed); stored field by field so nothing is allocated.
    /// </summary>
    public void SetEnforcementStats(EnforcementMode mode, EnforcementCounters c)
    {
        Volatile.Write(ref _enforcement[0], (long)c.Allowed);
        Volatile.Write(ref _enforcement[1], (long)c.Denied);
        Volatile.Write(ref _enforcement[2], (long)c.Audited);
        Volatile.Write(ref _enforcement[3], (long)c.Exempt);
        Volatile.Write(ref _enforcement[4], (long)c.DnsAnswers);
        Volatile.Write(ref _enforcement[5], (long)c.DnsAdmitted);
        Volatile.Write(ref _enforcement[6], (long)c.ReportsDropped);
        Volatile.Write(ref _enforcementMode, (int)mode + 1);
    }

    /// <summary>Null until enforcement has reported once (off, replays); otherwise its mode and counters.</summary>
    public (EnforcementMode Mode, EnforcementCounters Counters)? Enforcement
    {
        get
        {
            int mode = Volatile.Read(ref _enforcementMode);
            if (mode == 0)
            {
                return null;
            }
            ulong At(int i) => (ulong)Volatile.Read(ref _enforcement[i]);
            return ((EnforcementMode)(mode - 1), new EnforcementCounters(At(0), At(1), At(2), At(3), At(4), At(5), At(6)));
        }
    }
}
