using System.Net;
using Falconet.Fields;

namespace Falconet.Rules.Conditions;

internal sealed class IpMatcher(ComparisonOperator op, ListModifier modifier, IPAddress[] values) : ValueMatcher
{
    public override bool Match(ref FieldValue value)
    {
        if (value.Ip is not { } ip)
        {
            return false;
        }
        bool negate = op == ComparisonOperator.NotEqual;
        int count = 0;
        foreach (IPAddress candidate in values)
        {
            if (candidate.Equals(ip) != negate)
            {
                count++;
            }
        }
        return modifier switch
        {
            ListModifier.OneOf => count == 1,
            ListModifier.AllOf => values.Length > 0 && count == values.Length,
            // in / = / anyof: one matching value; != without modifier: differs from its single value.
            _ => count >= 1,
        };
    }
}
