namespace Falconet.Rules.Conditions;

public sealed class BoundAnd(BoundNode[] children) : BoundNode
{
    public BoundNode[] Children { get; } = children;
}
