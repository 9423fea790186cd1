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
