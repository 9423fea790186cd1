using System.Diagnostics;

namespace Falconet.Operations;

/// <summary>
/// The health of the event source, written by the event thread and read by <c>/healthz</c> without locks:
/// healthy while the loop keeps beating (events flowing, or an idle source polled without error); unhealthy when the
/// source has failed, when the loop has not beaten for <see cref="StallTimeout"/>, or while the kernel drop ratio of
/// the last measured second is above <see cref="MaxDropRatio"/>.
/// </summary>
public sealed class HealthMonitor(TimeSpan stallTimeout, double maxDropRatio)
{
    private long _lastBeat;
    private string? _failure;
    private long _dropsPpm;
    private int _finished;

    /// <summary>How long the loop may go without a beat before it counts as stalled.</summary>
    public TimeSpan StallTimeout { get; } = stallTimeout;

    /// <summary>The drop ratio (dropped / produced, per second) above which the source is unhealthy.</summary>
    public double MaxDropRatio { get; } = maxDropRatio;

    /// <summary>The event loop is alive: called after each poll or batch of events.</summary>
    public void Beat() => Volatile.Write(ref _lastBeat, Stopwatch.GetTimestamp());

    /// <summary>The source failed (capture corrupt, ring buffer error): unhealthy from now on.</summary>
    public void Fail(string reason) => Volatile.Write(ref _failure, reason);

    /// <summary>The source ended normally (a replay reached its end): not a stall.</summary>
    public void Finish() => Volatile.Write(ref _finished, 1);

    /// <summary>The kernel's counts over the last second.</summary>
    public void ReportDrops(ulong dropped, ulong produced)
    {
        long ppm = produced == 0 ? 0 : (long)(1_000_000.0 * dropped / produced);
        Volatile.Write(ref _dropsPpm, ppm);
    }

    /// <summary>The current verdict.</summary>
    public HealthReport Report()
    {
        if (Volatile.Read(ref _failure) is string failure)
        {
            return new HealthReport(false, "failed", failure);
        }
        double ratio = Volatile.Read(ref _dropsPpm) / 1_000_000.0;
        if (ratio > MaxDropRatio)
        {
            return new HealthReport(false, "dropping", $"kernel drop ratio {ratio:0.####} in the last second is above {MaxDropRatio:0.####}");
        }
        if (Volatile.Read(ref _finished) != 0)
        {
            return new HealthReport(true, "ok", null);
        }
        long beat = Volatile.Read(ref _lastBeat);
        if (beat == 0)
        {
            return new HealthReport(false, "starting", "the event source is not open yet");
        }
        TimeSpan since = Stopwatch.GetElapsedTime(beat);
        return since > StallTimeout
            ? new HealthReport(false, "stalled", $"the event loop has not run for {since.TotalSeconds:0.#} s")
            : new HealthReport(true, "ok", null);
    }
}
