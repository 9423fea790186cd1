using System.Net;
using Falconet.Fields;

namespace Falconet.Rules.Conditions;

internal sealed class IpMatcher : ValueMatcher
{
    // Past this many values a hash lookup beats comparing every address (the scaling curves: a 100k-item list was
    // one scan of the list per evaluation).
    private const int IndexFrom = 8;

    private readonly ComparisonOperator _op;
    private readonly ListModifier _modifier;
    private readonly IPAddress[] _values;
    // How many times each address is in the list: oneof and allof count matches, so duplicates must count too.
    private readonly Dictionary<IPAddress, int>? _multiplicity;

    public IpMatcher(ComparisonOperator op, ListModifier modifier, IPAddress[] values)
    {
        _op = op;
        _modifier = modifier;
        _values = values;
        if (values.Length >= IndexFrom)
        {
            _multiplicity = new Dictionary<IPAddress, int>(values.Length);
            foreach (IPAddress v in values)
            {
                _multiplicity[v] = _multiplicity.GetValueOrDefault(v) + 1;
            }
        }
    }

    public override bool Match(ref FieldValue value)
    {
        if (value.Ip is not { } ip)
        {
            return false;
        }
        bool negate = _op == ComparisonOperator.NotEqual;
        int count;
        if (_multiplicity is not null)
        {
            int equal = _multiplicity.GetValueOrDefault(ip);
            count = negate ? _values.Length - equal : equal;
        }
        else
        {
            count = 0;
            foreach (IPAddress candidate in _values)
            {
                if (candidate.Equals(ip) != negate)
                {
                    count++;
                }
            }
        }
        return _modifier switch
        {
            ListModifier.OneOf => count == 1,
            ListModifier.AllOf => _values.Length > 0 && count == _values.Length,
            // in / = / anyof: one matching value; != without modifier: differs from its single value.
            _ => count >= 1,
        };
    }
}
