using Falconet.Fields;

namespace Falconet.Rules.Conditions;

/// <summary>Comparison of two extracted values of the same family (field-to-field).</summary>
internal static class FieldComparison
{
    public static bool Compare(ValueKind kind, ComparisonOperator op, ref FieldValue l, ref FieldValue r)
    {
        if (l.List is { } left && r.List is { } right)
        {
            // List against list (the types check made both sides lists): in = every left value is on the right,
            // intersects = some is.
            return op == ComparisonOperator.In ? left.All(v => Contains(right, v)) : left.Any(v => Contains(right, v));
        }
        switch (kind)
        {
            case ValueKind.String or ValueKind.Bytes:
                if (l.String is not { } a || r.String is not { } b)
                {
                    return false;
                }
                return op is ComparisonOperator.In or ComparisonOperator.Intersects
                    ? string.Equals(a, b, StringComparison.Ordinal)
                    : StringMatcher.Compare(op, a, b, lowered: null);
            case ValueKind.Ip:
                bool equal = l.Ip is not null && l.Ip.Equals(r.Ip);
                return op == ComparisonOperator.NotEqual ? l.Ip is not null && r.Ip is not null && !equal : equal;
            case ValueKind.Double:
                return CompareOrdering(op, l.Double.CompareTo(r.Double));
            case ValueKind.Unsigned:
                return CompareOrdering(op, ((ulong)l.Int).CompareTo((ulong)r.Int));
            default:
                return CompareOrdering(op, l.Int.CompareTo(r.Int));
        }
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        foreach (string candidate in values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static bool CompareOrdering(ComparisonOperator op, int cmp) =>
        op is ComparisonOperator.In or ComparisonOperator.Intersects ? cmp == 0 : Ordering.Holds(op, cmp);
}
