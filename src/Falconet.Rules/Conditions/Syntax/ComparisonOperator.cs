namespace Falconet.Rules.Conditions;

/// <summary>
/// The comparison operators of Falco's condition language. The text as written is kept on the
/// node (<see cref="BinaryCheckNode.OperatorText"/>) because the canonical printer echoes it.
/// </summary>
public enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Contains,
    IContains,
    BContains,
    StartsWith,
    BStartsWith,
    EndsWith,
    Glob,
    IGlob,
    Regex,
    In,
    Intersects,
    PMatch,
}
