using Falconet.Fields;

namespace Falconet.Rules.Conditions;

internal sealed class IntegerMatcher : ValueMatcher
{
    private readonly ComparisonOperator _op;
    private readonly ListModifier _modifier;
    private readonly bool _unsigned;
    private readonly long[] _values;
    private readonly HashSet<long>? _set;

    public IntegerMatcher(ComparisonOperator op, ListModifier modifier, bool unsigned, IReadOnlyList<long> values)
    {
        _op = op;
        _modifier = modifier;
        _unsigned = unsigned;
        _values = [.. values];
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
        if (_modifier == ListModifier.None)
        {
            return MatchOne(v, _values.Length > 0 ? _values[0] : 0);
        }
        int count = 0;
        foreach (long candidate in _values)
        {
            if (MatchOne(v, candidate))
            {
                count++;
            }
        }
        return _values.Length > 0 && _modifier switch
        {
            ListModifier.OneOf => count == 1,
            ListModifier.AnyOf => count >= 1,
            _ => count == _values.Length,
        };
    }

    private bool MatchOne(long v, long candidate) =>
        Ordering.Holds(_op, _unsigned ? ((ulong)v).CompareTo((ulong)candidate) : v.CompareTo(candidate));
}
