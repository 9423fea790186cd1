namespace Falconet.Host;

/// <summary>Process exit codes of the <c>falconet</c> command.</summary>
public static class ExitCodes
{
    /// <summary>Everything worked (for -V: every file is valid).</summary>
    public const int Success = 0;

    /// <summary>Any error: invalid rules, unreadable or corrupt capture, bad configuration or arguments, no privileges for live capture.</summary>
    public const int Failure = 1;

    /// <summary>
    /// Ended by a signal before the run could stop by itself: a second SIGINT/SIGTERM, or the first one's
    /// 5-second deadline passing. 128 + the signal number, as a shell reports it: 130 for SIGINT, 143 for SIGTERM.
    /// A run that stops in time after one signal exits with its own code (0 when all went well).
    /// </summary>
    public static int Signalled(int signalNumber) => 128 + signalNumber;
}

/// <summary>An error caused by the user's input; shown as one line, never with a stack trace.</summary>
public sealed class UserFacingException(string message) : Exception(message);

/// <summary>
/// Where the commands write: <see cref="Out"/> for results, <see cref="Error"/> for diagnostics and progress,
/// <see cref="StandardOutput"/> (the raw stdout stream) for the alert sink, which does its own buffering.
/// </summary>
public sealed record ConsoleStreams(TextWriter Out, TextWriter Error, Stream StandardOutput);

/// <summary>The main command: replay or live detection, or one of Falco's informational actions.</summary>
public sealed class RunRequest
{
    public string? ConfigFile { get; init; }
    public IReadOnlyList<string> RulesPaths { get; init; } = [];
    public IReadOnlyList<string> Overrides { get; init; } = [];
    public string? CaptureFile { get; init; }
    public bool DescribeAll { get; init; }
    public string? DescribeRule { get; init; }
    public bool ListFields { get; init; }
    public string? ListFieldsSource { get; init; }
    public bool ListNamesOnly { get; init; }
    public string? ListFormat { get; init; }
    public bool ListEvents { get; init; }
    public IReadOnlyList<string> ValidatePaths { get; init; } = [];
    public bool DryRun { get; init; }
    public int? DurationSeconds { get; init; }
    public bool Unbuffered { get; init; }
    public bool Verbose { get; init; }
}

/// <summary><c>falconet inspect</c>: list the events rules would see.</summary>
public sealed class InspectRequest
{
    public required string CapturePath { get; init; }
    public string? Format { get; init; }
    public bool Json { get; init; }
    public long? Limit { get; init; }
    public string? Filter { get; init; }

    /// <summary>Print sysdig's event numbers (position in the file) in <c>%evt.num</c> instead of Falco's.</summary>
    public bool FileNumbers { get; init; }
}
