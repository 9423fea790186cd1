namespace Falconet.Rules.Conditions;

/// <summary>
/// A literal value, already unescaped. <see cref="WasQuoted"/> tells whether it was written in quotes
/// (bare identifiers on the right of <c>in</c> are list names the loader may substitute).
/// </summary>
public sealed record ValueNode(string Value, bool WasQuoted, SourcePosition Position) : ExpressionNode(Position);
