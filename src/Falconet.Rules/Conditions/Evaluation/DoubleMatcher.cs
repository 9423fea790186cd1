using Falconet.Fields;

namespace Falconet.Rules.Conditions;

internal sealed class DoubleMatcher(ComparisonOperator op, ListModifier modifier, double[] values) : ValueMatcher
{
    public override bool Match(ref FieldValue value)
    {
        double v = value.Double;
        if (op is ComparisonOperator.In or ComparisonOperator.Intersects)
        {
            return Array.IndexOf(values, v) >= 0;
        }
        if (values.Length == 0)
        {
            // An empty list (a modifier over "()" or an empty named list) holds no value to compare with.
            return false;
        }
        if (modifier == ListModifier.None)
        {
            return Ordering.Holds(op, v.CompareTo(values[0]));
        }
        int count = 0;
        foreach (double candidate in values)
        {
            if (Ordering.Holds(op, v.CompareTo(candidate)))
            {
                count++;
            }
        }
        return modifier switch
        {
            ListModifier.OneOf => count == 1,
            ListModifier.AnyOf => count >= 1,
            _ => count == values.Length,
        };
    }
}
