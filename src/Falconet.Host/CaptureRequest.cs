namespace Falconet.Host;

/// <summary><c>falconet capture</c>: record live events, or re-write a capture, into scap files.</summary>
public sealed class CaptureRequest
{
    /// <summary><c>-w</c>: the capture file to write (the base name of numbered files when rotating).</summary>
    public required string OutputPath { get; init; }
    /// <summary><c>-z</c>: gzip-compress the output.</summary>
    public bool Compress { get; init; }
    /// <summary><c>-e</c>: re-write this capture instead of recording live.</summary>
    public string? InputCapture { get; init; }
    /// <summary>A Falco condition: only matching events are kept.</summary>
    public string? Filter { get; init; }
    /// <summary><c>-M</c>: stop after this many seconds (live: wall clock; re-write: event time from the first event).</summary>
    public int? DurationSeconds { get; init; }
    /// <summary><c>-n</c>: stop after this many events written.</summary>
    public long? MaxEvents { get; init; }
    /// <summary><c>-S</c>: stop once the files hold this many megabytes (10^6 bytes; fractions allowed).</summary>
    public double? MaxSizeMegabytes { get; init; }
    /// <summary><c>-C</c>: start a new numbered file each time the current one reaches this many megabytes.</summary>
    public double? RotateMegabytes { get; init; }
    /// <summary><c>-W</c>: with <c>-C</c>, keep only the newest this many files.</summary>
    public int? MaxFiles { get; init; }
    /// <summary><c>-v</c>: progress and statistics on stderr even for short runs.</summary>
    public bool Verbose { get; init; }
    /// <summary><c>-c</c>: configuration file (ring buffer size, dns mode for live).</summary>
    public string? ConfigFile { get; init; }
    /// <summary><c>-o key=value</c> configuration overrides.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];
}
