namespace Falconet.Rules.Conditions;

/// <summary><c>a and b and c</c>: n-ary, flattened; always at least two children when produced by the parser.</summary>
public sealed record AndNode(IReadOnlyList<ConditionNode> Children, SourcePosition Position) : ConditionNode(Position);
