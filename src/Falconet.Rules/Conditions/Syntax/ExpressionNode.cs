namespace Falconet.Rules.Conditions;

/// <summary>An operand: a field, a transformer call, a literal value or a list of literal values.</summary>
public abstract record ExpressionNode(SourcePosition Position)
{
    /// <summary>The expression in canonical condition syntax.</summary>
    public sealed override string ToString() => ConditionPrinter.PrintExpression(this);
}
