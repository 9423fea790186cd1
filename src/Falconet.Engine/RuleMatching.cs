namespace Falconet.Engine;

/// <summary>Which rules fire for one event: the first matching one (Falco's default) or every matching one.</summary>
public enum RuleMatching
{
    /// <summary>Stop at the first rule whose condition matches.</summary>
    First,
    /// <summary>Raise an alert for every rule whose condition matches.</summary>
    All,
}
