namespace Falconet.Engine;

/// <summary>Which rules fire for one event: the first matching one (Falco's default) or every matching one.</summary>
public enum RuleMatching
{
    First,
    All,
}
