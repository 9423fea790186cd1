using System.Diagnostics;

namespace Falconet.Host;

/// <summary>
/// Progress on stderr for long replays: at most once a second, only for inputs that take a while,
/// and the line is cleared when done so it never mixes with results on a terminal.
/// </summary>
public sealed class ProgressReporter(TextWriter error, string label, bool enabled)
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _next = s_interval;
    private bool _printed;

    /// <summary>Callers report only events whose number has none of these bits set (one in 4096).</summary>
    public const ulong EventMask = 0xFFF;

    /// <summary>Looks at the clock only for event numbers that are multiples of 4096 (<see cref="EventMask"/>).</summary>
    public void Report(ulong events, double fraction)
    {
        if (!enabled || (events & EventMask) != 0 || _clock.Elapsed < _next)
        {
            return;
        }
        _next = _clock.Elapsed + s_interval;
        error.Write($"\r{label}: {fraction * 100:0.0}% ({events:N0} events, {_clock.Elapsed.TotalSeconds:0}s)   ");
        error.Flush();
        _printed = true;
    }

    /// <summary>Ends the progress line.</summary>
    public void Done()
    {
        if (_printed)
        {
            error.Write("\r" + new string(' ', 72) + "\r");
            error.Flush();
        }
    }
}
