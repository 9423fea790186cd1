namespace Falconet.Rules.Loading;

/// <summary>Event sources rules can name.</summary>
public static class RuleSources
{
    /// <summary>The source of rules over system calls, the only one Falconet evaluates.</summary>
    public const string Syscall = "syscall";
}
