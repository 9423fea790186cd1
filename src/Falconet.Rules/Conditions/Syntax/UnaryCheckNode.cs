namespace Falconet.Rules.Conditions;

/// <summary><c>field exists</c>, the only unary check.</summary>
public sealed record UnaryCheckNode(ExpressionNode Field, SourcePosition Position) : ConditionNode(Position)
{
    public const string ExistsOperator = "exists";
}
