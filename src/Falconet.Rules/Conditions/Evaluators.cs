using System.Net;
using System.Text.RegularExpressions;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>A compiled condition node. Evaluation allocates nothing: constants are converted at compile time.</summary>
public abstract class ConditionEvaluator
{
    public abstract bool Evaluate(EventContext context);
}

internal sealed class AndEvaluator(ConditionEvaluator[] children) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context)
    {
        foreach (ConditionEvaluator child in children)
        {
            if (!child.Evaluate(context))
            {
                return false;
            }
        }
        return true;
    }
}

internal sealed class OrEvaluator(ConditionEvaluator[] children) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context)
    {
        foreach (ConditionEvaluator child in children)
        {
            if (child.Evaluate(context))
            {
                return true;
            }
        }
        return false;
    }
}

internal sealed class NotEvaluator(ConditionEvaluator operand) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context) => !operand.Evaluate(context);
}

internal sealed class ExistsEvaluator(FieldExtractor extractor) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context)
    {
        FieldValue value = default;
        return extractor.TryExtract(context, ref value);
    }
}

/// <summary>Tests one extracted value against the literal(s) of a check.</summary>
internal abstract class ValueMatcher
{
    public abstract bool Match(ref FieldValue value);
}

/// <summary>Extract, then match. Several values (list fields, any-ancestor fields) follow the rules of §2.3/§2.4.</summary>
internal sealed class FieldCheckEvaluator(FieldExtractor extractor, ValueMatcher matcher, bool isListField, bool everyValue) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context)
    {
        FieldValue value = default;
        if (!extractor.TryExtract(context, ref value))
        {
            return false;
        }
        if (value.List is not { } list)
        {
            return matcher.Match(ref value);
        }
        // List field with `in`: every value must be in the set; otherwise one matching value suffices.
        bool requireAll = isListField && everyValue;
        FieldValue item = default;
        for (int i = 0; i < list.Count; i++)
        {
            item.String = list[i];
            bool matched = matcher.Match(ref item);
            if (matched != requireAll)
            {
                return matched;
            }
        }
        return requireAll;
    }
}

/// <summary><c>fd.ip</c>/<c>fd.port</c>/<c>fd.net</c>: any present end for positive operators, every present end for <c>!=</c>.</summary>
internal sealed class EitherEndEvaluator(IEitherEndExtractor extractor, ValueMatcher matcher, bool everyEnd) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context)
    {
        FieldValue client = default;
        FieldValue server = default;
        bool hasClient = extractor.TryExtractClient(context, ref client);
        bool hasServer = extractor.TryExtractServer(context, ref server);
        if (!hasClient && !hasServer)
        {
            return false;
        }
        bool clientMatch = hasClient && matcher.Match(ref client);
        bool serverMatch = hasServer && matcher.Match(ref server);
        return everyEnd ? (!hasClient || clientMatch) && (!hasServer || serverMatch) : clientMatch || serverMatch;
    }
}

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

    private bool MatchOne(string s, int i)
    {
        string v = _values[i];
        return _op switch
        {
            ComparisonOperator.Equal => string.Equals(s, v, StringComparison.Ordinal),
            ComparisonOperator.NotEqual => !string.Equals(s, v, StringComparison.Ordinal),
            ComparisonOperator.Less => string.CompareOrdinal(s, v) < 0,
            ComparisonOperator.LessOrEqual => string.CompareOrdinal(s, v) <= 0,
            ComparisonOperator.Greater => string.CompareOrdinal(s, v) > 0,
            ComparisonOperator.GreaterOrEqual => string.CompareOrdinal(s, v) >= 0,
            ComparisonOperator.Contains or ComparisonOperator.BContains => s.Contains(v, StringComparison.Ordinal),
            ComparisonOperator.IContains => Matching.ContainsIgnoreAsciiCase(s, _lowered[i]),
            ComparisonOperator.StartsWith or ComparisonOperator.BStartsWith => s.StartsWith(v, StringComparison.Ordinal),
            ComparisonOperator.EndsWith => s.EndsWith(v, StringComparison.Ordinal),
            ComparisonOperator.Glob => Matching.Glob(v, s),
            ComparisonOperator.IGlob => Matching.Glob(v, s, ignoreCase: true),
            ComparisonOperator.Regex => _regexes[i]!.IsMatch(s),
            _ => false,
        };
    }
}

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
        return _op switch
        {
            ComparisonOperator.Equal => cmp == 0,
            ComparisonOperator.NotEqual => cmp != 0,
            ComparisonOperator.Less => cmp < 0,
            ComparisonOperator.LessOrEqual => cmp <= 0,
            ComparisonOperator.Greater => cmp > 0,
            ComparisonOperator.GreaterOrEqual => cmp >= 0,
            _ => false,
        };
    }
}

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
        return op switch
        {
            ComparisonOperator.Equal => cmp == 0,
            ComparisonOperator.NotEqual => cmp != 0,
            ComparisonOperator.Less => cmp < 0,
            ComparisonOperator.LessOrEqual => cmp <= 0,
            ComparisonOperator.Greater => cmp > 0,
            ComparisonOperator.GreaterOrEqual => cmp >= 0,
            _ => false,
        };
    }
}

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

/// <summary><c>a op val(b)</c> / <c>a op transformer(b)</c>: false when either side is absent.</summary>
internal sealed class FieldToFieldEvaluator(BoundOperand left, BoundOperand right, ComparisonOperator op) : ConditionEvaluator
{
    public override bool Evaluate(EventContext context)
    {
        FieldValue l = default;
        FieldValue r = default;
        if (!left.Extractor.TryExtract(context, ref l) || !right.Extractor.TryExtract(context, ref r))
        {
            return false;
        }
        return FieldComparison.Compare(left.Kind, op, ref l, ref r);
    }
}

/// <summary>Comparison of two extracted values of the same family (field-to-field).</summary>
internal static class FieldComparison
{
    public static bool Compare(ValueKind kind, ComparisonOperator op, ref FieldValue l, ref FieldValue r)
    {
        switch (kind)
        {
            case ValueKind.String or ValueKind.Bytes:
                if (l.String is not { } a || r.String is not { } b)
                {
                    return false;
                }
                return op switch
                {
                    ComparisonOperator.Equal or ComparisonOperator.In or ComparisonOperator.Intersects => string.Equals(a, b, StringComparison.Ordinal),
                    ComparisonOperator.NotEqual => !string.Equals(a, b, StringComparison.Ordinal),
                    ComparisonOperator.Less => string.CompareOrdinal(a, b) < 0,
                    ComparisonOperator.LessOrEqual => string.CompareOrdinal(a, b) <= 0,
                    ComparisonOperator.Greater => string.CompareOrdinal(a, b) > 0,
                    ComparisonOperator.GreaterOrEqual => string.CompareOrdinal(a, b) >= 0,
                    ComparisonOperator.Contains => a.Contains(b, StringComparison.Ordinal),
                    ComparisonOperator.IContains => Matching.ContainsIgnoreAsciiCase(a, Matching.ToAsciiLower(b)),
                    ComparisonOperator.StartsWith => a.StartsWith(b, StringComparison.Ordinal),
                    ComparisonOperator.EndsWith => a.EndsWith(b, StringComparison.Ordinal),
                    ComparisonOperator.Glob => Matching.Glob(b, a),
                    ComparisonOperator.IGlob => Matching.Glob(b, a, ignoreCase: true),
                    _ => false,
                };
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

    private static bool CompareOrdering(ComparisonOperator op, int cmp) => op switch
    {
        ComparisonOperator.Equal or ComparisonOperator.In or ComparisonOperator.Intersects => cmp == 0,
        ComparisonOperator.NotEqual => cmp != 0,
        ComparisonOperator.Less => cmp < 0,
        ComparisonOperator.LessOrEqual => cmp <= 0,
        ComparisonOperator.Greater => cmp > 0,
        ComparisonOperator.GreaterOrEqual => cmp >= 0,
        _ => false,
    };
}

/// <summary>Builds the evaluator tree from a bound condition, converting every literal once.</summary>
internal static class EvaluatorBuilder
{
    public static ConditionEvaluator Build(BoundNode node) => node switch
    {
        BoundAnd and => new AndEvaluator(and.Children.Select(Build).ToArray()),
        BoundOr or => new OrEvaluator(or.Children.Select(Build).ToArray()),
        BoundNot not => new NotEvaluator(Build(not.Operand)),
        BoundExists exists => new ExistsEvaluator(exists.Field.Extractor),
        BoundCheck check => BuildCheck(check),
        _ => throw new ArgumentException($"unknown bound node {node.GetType().Name}", nameof(node)),
    };

    private static ConditionEvaluator BuildCheck(BoundCheck check)
    {
        if (check.RightField is { } right)
        {
            return new FieldToFieldEvaluator(check.Left, right, check.Operator);
        }
        ValueMatcher matcher = BuildMatcher(check);
        if (check.Left.EitherEnd is { } eitherEnd)
        {
            return new EitherEndEvaluator(eitherEnd, matcher, everyEnd: check.Operator == ComparisonOperator.NotEqual);
        }
        return new FieldCheckEvaluator(check.Left.Extractor, matcher, check.Left.IsList, everyValue: check.Operator == ComparisonOperator.In);
    }

    private static ValueMatcher BuildMatcher(BoundCheck check)
    {
        IReadOnlyList<string> values = check.Values!;
        var type = check.Left.Type;
        switch (check.Left.IsList ? ValueKind.String : check.Left.Kind)
        {
            case ValueKind.String or ValueKind.Bytes:
                return new StringMatcher(check.Operator, check.Modifier, values);
            case ValueKind.Signed or ValueKind.Unsigned:
                return new IntegerMatcher(check.Operator, check.Left.Kind == ValueKind.Unsigned,
                    values.Select(v => ValueTypes.TryParseInteger(v, type, out long n) ? n : 0).ToArray());
            case ValueKind.Bool:
                return new IntegerMatcher(check.Operator, false, values.Select(v => ValueTypes.TryParseBool(v, out long n) ? n : 0).ToArray());
            case ValueKind.Double:
                return new DoubleMatcher(check.Operator, values.Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            case ValueKind.Ip:
                return new IpMatcher(check.Operator, check.Modifier,
                    values.Select(v => ValueTypes.TryParseIp(v, type, out IPAddress? a) ? a! : IPAddress.None).ToArray());
            case ValueKind.Net:
                return new NetMatcher(check.Operator, values.Select(v => ValueTypes.TryParseNetwork(v, out IPNetwork n) ? n : default).ToArray());
            default:
                throw new InvalidOperationException($"no matcher for type {type}");
        }
    }
}
