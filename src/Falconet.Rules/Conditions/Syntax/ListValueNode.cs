namespace Falconet.Rules.Conditions;

/// <summary>
/// A parenthesised list <c>(a, 'b', "c d")</c>; may be empty. Inside a transformer's arguments the
/// items may also be fields or transformers.
/// </summary>
public sealed record ListValueNode(IReadOnlyList<ExpressionNode> Items, SourcePosition Position) : ExpressionNode(Position);
