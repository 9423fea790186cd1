using System.Net;
using Falconet.Core.Events;

namespace Falconet.Rules.Conditions;

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
        if (check.NeverMatches)
        {
            return NeverEvaluator.Instance;
        }
        if (check.RightField is { } right)
        {
            return new FieldToFieldEvaluator(check.Left, right, check.Operator);
        }
        if (check.Domains is { } domains)
        {
            return new DomainNameEvaluator(domains.Field, domains.Patterns, negate: check.Operator == ComparisonOperator.NotEqual);
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
        ParamType type = check.Left.Type;
        switch (check.Left.IsList ? ValueKind.String : check.Left.Kind)
        {
            case ValueKind.String or ValueKind.Bytes:
                return new StringMatcher(check.Operator, check.Modifier, values);
            case ValueKind.Signed or ValueKind.Unsigned:
                return new IntegerMatcher(check.Operator, check.Modifier, check.Left.Kind == ValueKind.Unsigned,
                    values.Select(v => ValueTypes.TryParseInteger(v, type, out long n) ? n : 0).ToArray());
            case ValueKind.Bool:
                return new IntegerMatcher(check.Operator, check.Modifier, false, values.Select(v => ValueTypes.TryParseBool(v, out long n) ? n : 0).ToArray());
            case ValueKind.Double:
                return new DoubleMatcher(check.Operator, check.Modifier, values.Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
            case ValueKind.Ip:
                return new IpMatcher(check.Operator, check.Modifier,
                    values.Select(v => ValueTypes.TryParseIp(v, type, out IPAddress? a) ? a! : IPAddress.None).ToArray());
            case ValueKind.Net:
                return new NetMatcher(check.Operator, check.Modifier, values.Select(v => ValueTypes.TryParseNetwork(v, out IPNetwork n) ? n : default).ToArray());
            default:
                throw new InvalidOperationException($"no matcher for type {type}");
        }
    }
}
