using System.Text.RegularExpressions;
using Falconet.Fields;

namespace Falconet.Rules.Conditions;

internal sealed class StringMatcher : ValueMatcher
{
    private readonly ComparisonOperator _op;
    private readonly ListModifier _modifier;
    private readonly string[] _values;
    private readonly string[] _lowered;
    private readonly Regex?[] _regexes;
    private readonly HashSet<string>? _set;

    public StringMatcher(ComparisonOperator op, ListModifier modifier, IReadOnlyList<string> values)
    {
        _op = op;
        _modifier = modifier;
        _values = op is ComparisonOperator.BContains or ComparisonOperator.BStartsWith
            ? values.Select(v => ValueTypes.TryParseHexBytes(v, out string bytes) ? bytes : v).ToArray()
            : values.ToArray();
        _lowered = _values.Select(Matching.ToAsciiLower).ToArray();
        _regexes = op == ComparisonOperator.Regex
            ? _values.Select(v => ValueTypes.TryCreateRegex(v, out Regex? r) ? r : null).ToArray()
            : new Regex?[_values.Length];
        if (op is ComparisonOperator.In or ComparisonOperator.Intersects)
        {
            _set = new HashSet<string>(_values, StringComparer.Ordinal);
        }
    }

    public override bool Match(ref FieldValue value)
    {
        if (value.String is not { } s)
        {
            return false;
        }
        if (_set is not null)
        {
            return _set.Contains(s);
        }
        if (_op == ComparisonOperator.PMatch)
        {
            foreach (string entry in _values)
            {
                if (Matching.PathPrefix(entry, s))
                {
                    return true;
                }
            }
            return false;
        }
        if (_modifier == ListModifier.None)
        {
            return MatchOne(s, 0);
        }
        int count = 0;
        for (int i = 0; i < _values.Length; i++)
        {
            if (MatchOne(s, i))
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

    private bool MatchOne(string s, int i) =>
        _op == ComparisonOperator.Regex ? _regexes[i]!.IsMatch(s) : Compare(_op, s, _values[i], _lowered[i]);

    /// <summary>
    /// <paramref name="s"/> <paramref name="op"/> <paramref name="v"/> for the operators that compare two strings
    /// (false for the others); <paramref name="lowered"/> is <paramref name="v"/> in ASCII lower case, computed here
    /// when null.
    /// </summary>
    internal static bool Compare(ComparisonOperator op, string s, string v, string? lowered) => op switch
    {
        ComparisonOperator.Equal => string.Equals(s, v, StringComparison.Ordinal),
        ComparisonOperator.NotEqual => !string.Equals(s, v, StringComparison.Ordinal),
        ComparisonOperator.Less => string.CompareOrdinal(s, v) < 0,
        ComparisonOperator.LessOrEqual => string.CompareOrdinal(s, v) <= 0,
        ComparisonOperator.Greater => string.CompareOrdinal(s, v) > 0,
        ComparisonOperator.GreaterOrEqual => string.CompareOrdinal(s, v) >= 0,
        ComparisonOperator.Contains or ComparisonOperator.BContains => s.Contains(v, StringComparison.Ordinal),
        ComparisonOperator.IContains => Matching.ContainsIgnoreAsciiCase(s, lowered ?? Matching.ToAsciiLower(v)),
        ComparisonOperator.StartsWith or ComparisonOperator.BStartsWith => s.StartsWith(v, StringComparison.Ordinal),
        ComparisonOperator.EndsWith => s.EndsWith(v, StringComparison.Ordinal),
        ComparisonOperator.Glob => Matching.Glob(v, s),
        ComparisonOperator.IGlob => Matching.Glob(v, s, ignoreCase: true),
        _ => false,
    };
}
