namespace Falconet.Host.Configuration;

/// <summary>Which rules fire for an event: the first matching rule (Falco's default) or all of them.</summary>
public enum RuleMatching
{
    /// <summary>Stop at the first matching rule (Falco's default).</summary>
    First,
    /// <summary>Alert for every matching rule.</summary>
    All,
}
