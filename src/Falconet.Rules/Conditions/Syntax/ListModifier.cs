namespace Falconet.Rules.Conditions;

/// <summary>The list modifiers <c>oneof</c>, <c>anyof</c>, <c>allof</c> (string operators, and <c>==</c>/<c>!=</c> on IPs).</summary>
public enum ListModifier
{
    /// <summary>A plain comparison.</summary>
    None,
    /// <summary><c>oneof</c>: the operator holds for exactly one value of the list.</summary>
    OneOf,
    /// <summary><c>anyof</c>: the operator holds for at least one value.</summary>
    AnyOf,
    /// <summary><c>allof</c>: the operator holds for every value.</summary>
    AllOf,
}
