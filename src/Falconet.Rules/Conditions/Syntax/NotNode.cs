namespace Falconet.Rules.Conditions;

/// <summary><c>not x</c>. The parser folds <c>not not x</c> into <c>x</c>, as libsinsp does.</summary>
public sealed record NotNode(ConditionNode Operand, SourcePosition Position) : ConditionNode(Position);
