namespace Falconet.Rules.Conditions;

/// <summary><c>field exists</c>, the only unary check.</summary>
public sealed record UnaryCheckNode(ExpressionNode Field, SourcePosition Position) : ConditionNode(Position)
{
    /// <summary>The operator text of a unary check, as listed by <c>-L</c>.</summary>
    public const string ExistsOperator = "exists";
}
