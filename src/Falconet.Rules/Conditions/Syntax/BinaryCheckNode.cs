namespace Falconet.Rules.Conditions;

/// <summary>
/// <c>LHS op RHS</c>. <see cref="Left"/> is a <see cref="FieldRefNode"/> or a <see cref="TransformerNode"/>;
/// <see cref="Right"/> is a <see cref="ValueNode"/>, a <see cref="ListValueNode"/>, or (field-to-field)
/// a <see cref="TransformerNode"/> (including <c>val(field)</c>).
/// </summary>
public sealed record BinaryCheckNode(
    ExpressionNode Left,
    ComparisonOperator Operator,
    string OperatorText,
    ListModifier Modifier,
    ExpressionNode Right,
    SourcePosition Position) : ConditionNode(Position);
