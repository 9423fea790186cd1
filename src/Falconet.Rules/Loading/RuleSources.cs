namespace Falconet.Rules.Loading;

/// <summary>Event sources rules can name.</summary>
public static class RuleSources
{
    public const string Syscall = "syscall";
}
