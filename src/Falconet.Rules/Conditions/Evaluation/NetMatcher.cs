using System.Net;
using Falconet.Fields;

namespace Falconet.Rules.Conditions;

/// <summary>
/// <c>=</c>/<c>in</c>: inside one of the networks; <c>!=</c>: inside none; with a modifier, counts the networks <c>op</c>
/// holds for, except that, as in libsinsp 0.25, <c>= anyof</c> never holds and <c>!= allof</c> always does.
/// </summary>
internal sealed class NetMatcher(ComparisonOperator op, ListModifier modifier, IPNetwork[] values) : ValueMatcher
{
    public override bool Match(ref FieldValue value)
    {
        if (value.Ip is not { } ip)
        {
            return false;
        }
        bool negate = op == ComparisonOperator.NotEqual;
        if (modifier == ListModifier.None)
        {
            foreach (IPNetwork network in values)
            {
                if (network.Contains(ip))
                {
                    return !negate;
                }
            }
            return negate;
        }
        if (modifier == ListModifier.AnyOf && !negate)
        {
            return false;
        }
        if (modifier == ListModifier.AllOf && negate)
        {
            return values.Length > 0;
        }
        int count = 0;
        foreach (IPNetwork network in values)
        {
            if (network.Contains(ip) != negate)
            {
                count++;
            }
        }
        return values.Length > 0 && modifier switch
        {
            ListModifier.OneOf => count == 1,
            ListModifier.AnyOf => count >= 1,
            _ => count == values.Length,
        };
    }
}
