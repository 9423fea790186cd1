namespace Falconet.Fields.ArgumentRendering;

/// <summary>Linux signal names by number (x86-64).</summary>
public static class SignalNames
{
    private static readonly string[] s_names =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
        "SIGSYS",
    ];

    /// <summary>The name of signal <paramref name="signal"/>; null when it has none (0, real-time signals).</summary>
    public static string? Get(long signal) => signal > 0 && signal < s_names.Length ? s_names[signal] : null;
}
