using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>
/// The reference evaluator: walks the bound tree and converts literals on every call, written independently
/// of the compiled evaluators so the two can be checked against each other. Slow and allocating by design.
/// </summary>
internal static class ConditionInterpreter
{
    public static bool Evaluate(BoundNode node, EventContext context)
    {
        switch (node)
        {
            case BoundAnd and:
                return and.Children.All(c => Evaluate(c, context));
            case BoundOr or:
                return or.Children.Any(c => Evaluate(c, context));
            case BoundNot not:
                return !Evaluate(not.Operand, context);
            case BoundExists exists:
                FieldValue ignored = default;
                return exists.Field.Extractor.TryExtract(context, ref ignored);
            case BoundCheck check:
                return EvaluateCheck(check, context);
            default:
                throw new ArgumentException($"unknown bound node {node.GetType().Name}", nameof(node));
        }
    }

    private static bool EvaluateCheck(BoundCheck check, EventContext context)
    {
        if (check.NeverMatches)
        {
            return false;
        }
        if (check.Domains is { } domains)
        {
            // Written apart from DomainNameEvaluator: each value tried on its own set, then combined.
            if (!domains.Field.TryMatch(context, domains.Patterns, out _))
            {
                return false; // no address at that end
            }
            var results = new List<bool>();
            foreach (Falconet.Dns.DomainPattern pattern in domains.Patterns.Patterns)
            {
                domains.Field.TryMatch(context, new Falconet.Dns.DomainPatternSet([pattern]), out bool one);
                results.Add(one);
            }
            bool any = results.Contains(true);
            return check.Operator == ComparisonOperator.NotEqual ? !any : any;
        }
        if (check.RightField is { } right)
        {
            FieldValue l = default;
            FieldValue r = default;
            if (!check.Left.Extractor.TryExtract(context, ref l) || !right.Extractor.TryExtract(context, ref r))
            {
                return false;
            }
            return FieldComparison.Compare(check.Left.Kind, check.Operator, ref l, ref r);
        }
        if (check.Left.EitherEnd is { } eitherEnd)
        {
            var ends = new List<FieldValue>();
            FieldValue client = default;
            FieldValue server = default;
            if (eitherEnd.TryExtractClient(context, ref client))
            {
                ends.Add(client);
            }
            if (eitherEnd.TryExtractServer(context, ref server))
            {
                ends.Add(server);
            }
            if (ends.Count == 0)
            {
                return false;
            }
            return check.Operator == ComparisonOperator.NotEqual
                ? ends.All(e => MatchValue(check, e))
                : ends.Any(e => MatchValue(check, e));
        }
        FieldValue value = default;
        if (!check.Left.Extractor.TryExtract(context, ref value))
        {
            return false;
        }
        if (value.List is { } list)
        {
            IEnumerable<FieldValue> items = list.Select(s => new FieldValue { String = s });
            return check.Left.IsList && check.Operator == ComparisonOperator.In
                ? items.All(i => MatchValue(check, i))
                : items.Any(i => MatchValue(check, i));
        }
        return MatchValue(check, value);
    }

    private static bool MatchValue(BoundCheck check, FieldValue value)
    {
        IReadOnlyList<string> literals = check.Values!;
        ComparisonOperator op = check.Operator;
        ValueKind kind = check.Left.IsList ? ValueKind.String : check.Left.Kind;
        if (op is ComparisonOperator.In or ComparisonOperator.Intersects)
        {
            return literals.Any(l => Single(kind, ComparisonOperator.Equal, value, l, check));
        }
        if (op == ComparisonOperator.PMatch)
        {
            return value.String is { } path && literals.Any(l => Matching.PathPrefix(l, path));
        }
        if (kind == ValueKind.Net && check.Modifier == ListModifier.None)
        {
            bool inside = literals.Any(l => Single(kind, ComparisonOperator.Equal, value, l, check));
            return op == ComparisonOperator.NotEqual ? value.Ip is not null && !inside : inside;
        }
        if (check.Modifier == ListModifier.None)
        {
            return Single(kind, op, value, literals[0], check);
        }
        if (kind == ValueKind.Net && (check.Modifier, op) is (ListModifier.AnyOf, ComparisonOperator.Equal) or (ListModifier.AllOf, ComparisonOperator.NotEqual))
        {
            // libsinsp 0.25's answers for networks: "= anyof" never, "!= allof" always.
            return op == ComparisonOperator.NotEqual && literals.Count > 0;
        }
        int count = literals.Count(l => Single(kind, op, value, l, check));
        return check.Modifier switch
        {
            ListModifier.OneOf => count == 1,
            ListModifier.AnyOf => count >= 1,
            _ => literals.Count > 0 && count == literals.Count,
        };
    }

    private static bool Single(ValueKind kind, ComparisonOperator op, FieldValue value, string literal, BoundCheck check)
    {
        switch (kind)
        {
            case ValueKind.String or ValueKind.Bytes:
                if (value.String is not { } s)
                {
                    return false;
                }
                if (op is ComparisonOperator.BContains or ComparisonOperator.BStartsWith)
                {
                    ValueTypes.TryParseHexBytes(literal, out literal);
                }
                return op switch
                {
                    ComparisonOperator.Equal => s == literal,
                    ComparisonOperator.NotEqual => s != literal,
                    ComparisonOperator.Less => string.CompareOrdinal(s, literal) < 0,
                    ComparisonOperator.LessOrEqual => string.CompareOrdinal(s, literal) <= 0,
                    ComparisonOperator.Greater => string.CompareOrdinal(s, literal) > 0,
                    ComparisonOperator.GreaterOrEqual => string.CompareOrdinal(s, literal) >= 0,
                    ComparisonOperator.Contains or ComparisonOperator.BContains => s.Contains(literal, StringComparison.Ordinal),
                    ComparisonOperator.IContains => Matching.ToAsciiLower(s).Contains(Matching.ToAsciiLower(literal), StringComparison.Ordinal),
                    ComparisonOperator.StartsWith or ComparisonOperator.BStartsWith => s.StartsWith(literal, StringComparison.Ordinal),
                    ComparisonOperator.EndsWith => s.EndsWith(literal, StringComparison.Ordinal),
                    ComparisonOperator.Glob => Matching.Glob(literal, s),
                    ComparisonOperator.IGlob => Matching.Glob(Matching.ToAsciiLower(literal), Matching.ToAsciiLower(s)),
                    ComparisonOperator.Regex => Regex.IsMatch(s, @"\A(?:" + literal + @")\z", RegexOptions.CultureInvariant),
                    _ => throw new InvalidOperationException($"operator {op} on strings"),
                };
            case ValueKind.Signed or ValueKind.Unsigned or ValueKind.Bool:
                long n = kind == ValueKind.Bool
                    ? (ValueTypes.TryParseBool(literal, out long b) ? b : throw new InvalidOperationException(literal))
                    : (ValueTypes.TryParseInteger(literal, check.Left.Type, out long parsed) ? parsed : throw new InvalidOperationException(literal));
                int cmp = kind == ValueKind.Unsigned ? ((ulong)value.Int).CompareTo((ulong)n) : value.Int.CompareTo(n);
                return Ordering(op, cmp);
            case ValueKind.Double:
                return Ordering(op, value.Double.CompareTo(double.Parse(literal, CultureInfo.InvariantCulture)));
            case ValueKind.Ip:
                if (value.Ip is null || !ValueTypes.TryParseIp(literal, check.Left.Type, out IPAddress? address))
                {
                    return false;
                }
                return op == ComparisonOperator.NotEqual ? !value.Ip.Equals(address) : value.Ip.Equals(address);
            case ValueKind.Net:
                return value.Ip is not null && ValueTypes.TryParseNetwork(literal, out IPNetwork network)
                    && network.Contains(value.Ip) != (op == ComparisonOperator.NotEqual);
            default:
                throw new InvalidOperationException($"no comparison for {kind}");
        }
    }

    private static bool Ordering(ComparisonOperator op, int cmp) => Conditions.Ordering.IsOrdering(op)
        ? Conditions.Ordering.Holds(op, cmp)
        : throw new InvalidOperationException($"operator {op} on numbers");
}
