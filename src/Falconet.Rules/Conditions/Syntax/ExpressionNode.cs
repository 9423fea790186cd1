namespace Falconet.Rules.Conditions;

/// <summary>An operand: a field, a transformer call, a literal value or a list of literal values.</summary>
public abstract record ExpressionNode(SourcePosition Position)
{
    public sealed override string ToString() => ConditionPrinter.PrintExpression(this);
}
