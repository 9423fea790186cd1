namespace Falconet.Rules.Conditions;

internal sealed class BoundOr(BoundNode[] children) : BoundNode
{
    public BoundNode[] Children { get; } = children;
}
