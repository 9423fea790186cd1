namespace Falconet.Rules.Conditions;

internal sealed class BoundAnd(BoundNode[] children) : BoundNode
{
    public BoundNode[] Children { get; } = children;
}
