namespace Falconet.Rules.Conditions;

internal sealed class BoundNot(BoundNode operand) : BoundNode
{
    public BoundNode Operand { get; } = operand;
}
