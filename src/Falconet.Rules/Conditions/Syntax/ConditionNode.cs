namespace Falconet.Rules.Conditions;

/// <summary>
/// A node of a parsed condition. Boolean structure: <see cref="AndNode"/>, <see cref="OrNode"/>,
/// <see cref="NotNode"/>, <see cref="MacroRefNode"/>; leaves: <see cref="BinaryCheckNode"/> and
/// <see cref="UnaryCheckNode"/> (<c>exists</c>). The nodes are immutable records: match on them
/// with <c>switch</c> patterns, or derive from <see cref="ConditionRewriter"/> to rebuild a tree.
/// </summary>
public abstract record ConditionNode(SourcePosition Position)
{
    /// <summary>The canonical form, as Falco's describe output prints it.</summary>
    public sealed override string ToString() => ConditionPrinter.Print(this);
}
