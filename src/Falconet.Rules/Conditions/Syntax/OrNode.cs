namespace Falconet.Rules.Conditions;

/// <summary><c>a or b or c</c>: n-ary, flattened; always at least two children when produced by the parser.</summary>
public sealed record OrNode(IReadOnlyList<ConditionNode> Children, SourcePosition Position) : ConditionNode(Position);
