namespace Falconet.Rules.Conditions;

/// <summary>
/// The comparison operators of Falco's condition language. The text as written is kept on the
/// node (<see cref="BinaryCheckNode.OperatorText"/>) because the canonical printer echoes it.
/// </summary>
public enum ComparisonOperator
{
    /// <summary><c>=</c> (also written <c>==</c>).</summary>
    Equal,
    /// <summary><c>!=</c>.</summary>
    NotEqual,
    /// <summary><c>&lt;</c>.</summary>
    Less,
    /// <summary><c>&lt;=</c>.</summary>
    LessOrEqual,
    /// <summary><c>&gt;</c>.</summary>
    Greater,
    /// <summary><c>&gt;=</c>.</summary>
    GreaterOrEqual,
    /// <summary><c>contains</c>: substring.</summary>
    Contains,
    /// <summary><c>icontains</c>: substring, ignoring ASCII case.</summary>
    IContains,
    /// <summary><c>bcontains</c>: byte sequence given in hex.</summary>
    BContains,
    /// <summary><c>startswith</c>.</summary>
    StartsWith,
    /// <summary><c>bstartswith</c>: byte prefix given in hex.</summary>
    BStartsWith,
    /// <summary><c>endswith</c>.</summary>
    EndsWith,
    /// <summary><c>glob</c>: shell wildcard pattern.</summary>
    Glob,
    /// <summary><c>iglob</c>: wildcard pattern ignoring ASCII case.</summary>
    IGlob,
    /// <summary><c>regex</c>: the whole value matches the pattern.</summary>
    Regex,
    /// <summary><c>in (...)</c>: equal to one of the values.</summary>
    In,
    /// <summary><c>intersects (...)</c>: a list field shares a value with the list.</summary>
    Intersects,
    /// <summary><c>pmatch (...)</c>: the path is one of the paths or below one.</summary>
    PMatch,
}
