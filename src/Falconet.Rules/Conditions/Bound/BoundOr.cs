namespace Falconet.Rules.Conditions;

public sealed class BoundOr(BoundNode[] children) : BoundNode
{
    public BoundNode[] Children { get; } = children;
}
