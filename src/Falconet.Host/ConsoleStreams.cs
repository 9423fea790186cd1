namespace Falconet.Host;

/// <summary>
/// Where the commands write: <see cref="Out"/> for results, <see cref="Error"/> for diagnostics and progress,
/// <see cref="StandardOutput"/> (the raw stdout stream) for the alert sink, which does its own buffering.
/// </summary>
public sealed record ConsoleStreams(TextWriter Out, TextWriter Error, Stream StandardOutput);
