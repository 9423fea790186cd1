using System.Net;
using Falconet.Fields;

namespace Falconet.Rules.Conditions;

internal sealed class NetMatcher(ComparisonOperator op, IPNetwork[] values) : ValueMatcher
{
    public override bool Match(ref FieldValue value)
    {
        if (value.Ip is not { } ip)
        {
            return false;
        }
        bool inside = false;
        foreach (IPNetwork network in values)
        {
            if (network.Contains(ip))
            {
                inside = true;
                break;
            }
        }
        return op == ComparisonOperator.NotEqual ? !inside : inside;
    }
}
