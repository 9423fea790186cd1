namespace Falconet.Rules.Conditions;

/// <summary>
/// A comparison. Exactly one of <see cref="Values"/> (literal(s), validated for the field's type) and
/// <see cref="RightField"/> (field-to-field) is set. <see cref="IsListRhs"/> tells whether the literal was a list.
/// </summary>
internal sealed class BoundCheck(BoundOperand left, ComparisonOperator op, ListModifier modifier, IReadOnlyList<string>? values, bool isListRhs, BoundOperand? rightField,
    Falconet.Dns.DomainPatternSet? domains = null)
    : BoundNode
{
    /// <summary>For <c>fd.*ip.name</c>: the names and patterns the address must (or, for <c>!=</c>, must not) have.</summary>
    public Falconet.Dns.DomainPatternSet? Domains { get; } = domains;

    public BoundOperand Left { get; } = left;
    public ComparisonOperator Operator { get; } = op;
    public ListModifier Modifier { get; } = modifier;
    public IReadOnlyList<string>? Values { get; } = values;
    public bool IsListRhs { get; } = isListRhs;
    public BoundOperand? RightField { get; } = rightField;
}
