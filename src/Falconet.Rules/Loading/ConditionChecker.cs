using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.Rules.Conditions;

namespace Falconet.Rules.Loading;

/// <summary>A condition compile error: libsinsp-style message and where in the condition text.</summary>
/// <param name="IsUnknownFieldOrEventType">Unknown field or event type: downgraded by <c>skip-if-unknown-filter</c>.</param>
public sealed record ConditionCheckError(string Message, SourcePosition Position, bool IsUnknownFieldOrEventType);

/// <summary>A condition compile warning (<c>LOAD_COMPILE_CONDITION</c>).</summary>
public sealed record ConditionCheckWarning(string Message, SourcePosition Position);

/// <summary>What checking an expanded condition found.</summary>
public sealed record ConditionCheckResult(ConditionCheckError? Error, IReadOnlyList<ConditionCheckWarning> Warnings)
{
    public static ConditionCheckResult Ok { get; } = new(null, []);
}

/// <summary>
/// The loader's view of the condition compiler: type-check an expanded condition against the fields,
/// and compute the event types it can match. The condition language owns the real work; this seam keeps
/// the loader independent of how it is done.
/// </summary>
public interface IConditionChecker
{
    ConditionCheckResult Check(ConditionNode condition, FieldRegistry fields);

    /// <summary>The event type codes the condition can match, sorted (falco-reference §2.7).</summary>
    IReadOnlyList<ushort> EventTypes(ConditionNode condition);
}

/// <summary>
/// The checks the loader can make on its own: every field must be registered (longest prefix), and
/// <c>evt.type</c> values must be known event names. Event types follow falco-reference §2.7: negations
/// pushed to the leaves, <c>and</c> intersects, <c>or</c> unites, a positive <c>evt.type</c> check also admits
/// <c>asyncevent</c> (its name is only known at run time), any other leaf admits every type.
/// </summary>
public sealed class RegistryConditionChecker : IConditionChecker
{
    private static readonly ushort[] s_allTypes = Enumerable.Range(0, EventTable.All.Count).Select(i => (ushort)i).ToArray();
    private static readonly ushort[] s_asyncTypes = EventTable.IdsByName("asyncevent").ToArray();

    public static RegistryConditionChecker Instance { get; } = new();

    public ConditionCheckResult Check(ConditionNode condition, FieldRegistry fields)
    {
        foreach (ConditionNode node in ConditionRewriter.Descendants(condition))
        {
            switch (node)
            {
                case MacroRefNode macro:
                    return new ConditionCheckResult(new ConditionCheckError($"Undefined macro '{macro.Name}' used in filter.", macro.Position, false), []);
                case UnaryCheckNode unary when FirstUnknownField(unary.Field, fields) is { } unknown:
                    return Unknown(unknown);
                case BinaryCheckNode binary:
                    if (FirstUnknownField(binary.Left, fields) is { } left)
                    {
                        return Unknown(left);
                    }
                    if (binary.Right is TransformerNode && FirstUnknownField(binary.Right, fields) is { } right)
                    {
                        return Unknown(right);
                    }
                    if (binary.Left is FieldRefNode { Name: "evt.type" } && UnknownEventType(binary.Right) is { } type)
                    {
                        return new ConditionCheckResult(new ConditionCheckError($"unknown event type {type.Value}", type.Position, true), []);
                    }
                    break;
            }
        }
        return ConditionCheckResult.Ok;
    }

    public IReadOnlyList<ushort> EventTypes(ConditionNode condition) => Types(condition, negated: false).Order().ToArray();

    private static ConditionCheckResult Unknown(FieldRefNode field) =>
        new(new ConditionCheckError($"filter_check called with nonexistent field {field.Name}", field.Position, true), []);

    private static FieldRefNode? FirstUnknownField(ExpressionNode expression, FieldRegistry fields) =>
        ConditionRewriter.Fields(expression).FirstOrDefault(f => !fields.TryResolve(f.Name, out _, out _));

    private static ValueNode? UnknownEventType(ExpressionNode right)
    {
        IEnumerable<ExpressionNode> values = right is ListValueNode list ? list.Items : [right];
        return values.OfType<ValueNode>().FirstOrDefault(v => EventTable.IdsByName(v.Value).IsEmpty);
    }

    private static HashSet<ushort> Types(ConditionNode node, bool negated)
    {
        switch (node)
        {
            case AndNode and:
                return Combine(and.Children, negated, intersect: !negated);
            case OrNode or:
                return Combine(or.Children, negated, intersect: negated);
            case NotNode not:
                return Types(not.Operand, !negated);
            case BinaryCheckNode { Left: FieldRefNode { Name: "evt.type", Argument: null } } check
                when check.Modifier == ListModifier.None && check.Operator is ComparisonOperator.Equal or ComparisonOperator.NotEqual
                    or ComparisonOperator.In:
                IEnumerable<ExpressionNode> values = check.Right is ListValueNode list ? list.Items : [check.Right];
                var named = new HashSet<ushort>();
                foreach (ValueNode value in values.OfType<ValueNode>())
                {
                    foreach (ushort id in EventTable.IdsByName(value.Value))
                    {
                        named.Add(id);
                    }
                }
                bool positive = (check.Operator != ComparisonOperator.NotEqual) != negated;
                if (positive)
                {
                    named.UnionWith(s_asyncTypes);
                    return named;
                }
                var complement = new HashSet<ushort>(s_allTypes);
                complement.ExceptWith(named);
                return complement;
            default:
                return [.. s_allTypes];
        }
    }

    private static HashSet<ushort> Combine(IReadOnlyList<ConditionNode> children, bool negated, bool intersect)
    {
        HashSet<ushort>? result = null;
        foreach (ConditionNode child in children)
        {
            HashSet<ushort> types = Types(child, negated);
            if (result is null)
            {
                result = types;
            }
            else if (intersect)
            {
                result.IntersectWith(types);
            }
            else
            {
                result.UnionWith(types);
            }
        }
        return result ?? [.. s_allTypes];
    }
}
