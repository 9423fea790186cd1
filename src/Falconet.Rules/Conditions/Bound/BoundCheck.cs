namespace Falconet.Rules.Conditions;

/// <summary>
/// A comparison. Exactly one of <see cref="Values"/> (literal(s), validated for the field's type) and
/// <see cref="RightField"/> (field-to-field) is set. <see cref="IsListRhs"/> tells whether the literal was a list.
/// </summary>
internal sealed class BoundCheck(BoundOperand left, ComparisonOperator op, ListModifier modifier, IReadOnlyList<string>? values, bool isListRhs, BoundOperand? rightField,
    DomainNameCheck? domains = null)
    : BoundNode
{
    /// <summary>For <c>fd.*ip.name</c>: the field and the names and patterns its address must (for <c>!=</c>: must not) have.</summary>
    public DomainNameCheck? Domains { get; } = domains;

    public BoundOperand Left { get; } = left;
    public ComparisonOperator Operator { get; } = op;
    public ListModifier Modifier { get; } = modifier;
    public IReadOnlyList<string>? Values { get; } = values;
    public bool IsListRhs { get; } = isListRhs;
    public BoundOperand? RightField { get; } = rightField;

    /// <summary>A check libsinsp accepts but never matches (e.g. <c>fd.ip in (…)</c>).</summary>
    public bool NeverMatches { get; init; }
}
