namespace Falconet.Rules.Conditions;

internal sealed class BoundExists(BoundOperand field) : BoundNode
{
    public BoundOperand Field { get; } = field;
}
