namespace Falconet.Host.Configuration;

/// <summary>Which rules fire for an event: the first matching rule (Falco's default) or all of them.</summary>
public enum RuleMatching
{
    First,
    All,
}
