namespace Falconet.Rules.Conditions;

/// <summary>The list modifiers <c>oneof</c>, <c>anyof</c>, <c>allof</c> (string operators, and <c>==</c>/<c>!=</c> on IPs).</summary>
public enum ListModifier
{
    None,
    OneOf,
    AnyOf,
    AllOf,
}
