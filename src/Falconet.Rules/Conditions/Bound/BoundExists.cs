namespace Falconet.Rules.Conditions;

public sealed class BoundExists(BoundOperand field) : BoundNode
{
    public BoundOperand Field { get; } = field;
}
