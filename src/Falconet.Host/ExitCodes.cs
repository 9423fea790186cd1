namespace Falconet.Host;

/// <summary>Process exit codes of the <c>falconet</c> command.</summary>
public static class ExitCodes
{
    /// <summary>Everything worked (for -V: every file is valid).</summary>
    public const int Success = 0;

    /// <summary>Any error: invalid rules, unreadable or corrupt capture, bad configuration or arguments, no privileges for live capture.</summary>
    public const int Failure = 1;
}
