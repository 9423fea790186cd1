using Falconet.Fields;

namespace Falconet.Rules.Conditions;

internal sealed class IntegerMatcher : ValueMatcher
{
    private readonly ComparisonOperator _op;
    private readonly bool _unsigned;
    private readonly long _value;
    private readonly HashSet<long>? _set;

    public IntegerMatcher(ComparisonOperator op, bool unsigned, IReadOnlyList<long> values)
    {
        _op = op;
        _unsigned = unsigned;
        _value = values.Count > 0 ? values[0] : 0;
        if (op is ComparisonOperator.In or ComparisonOperator.Intersects)
        {
            _set = [.. values];
        }
    }

    public override bool Match(ref FieldValue value)
    {
        long v = value.Int;
        if (_set is not null)
        {
            return _set.Contains(v);
        }
        int cmp = _unsigned ? ((ulong)v).CompareTo((ulong)_value) : v.CompareTo(_value);
        return Ordering.Holds(_op, cmp);
    }
}
