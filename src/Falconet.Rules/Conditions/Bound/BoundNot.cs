namespace Falconet.Rules.Conditions;

public sealed class BoundNot(BoundNode operand) : BoundNode
{
    public BoundNode Operand { get; } = operand;
}
