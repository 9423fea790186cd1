using Falconet.Fields;

namespace Falconet.Rules.Conditions;

internal sealed class DoubleMatcher(ComparisonOperator op, double[] values) : ValueMatcher
{
    public override bool Match(ref FieldValue value)
    {
        double v = value.Double;
        if (op is ComparisonOperator.In or ComparisonOperator.Intersects)
        {
            return Array.IndexOf(values, v) >= 0;
        }
        int cmp = v.CompareTo(values[0]);
        return Ordering.Holds(op, cmp);
    }
}
