using Falconet.Core.Events;
using Falconet.Fields;

namespace Falconet.Rules.Conditions;

/// <summary>
/// Type-checks a condition against a <see cref="FieldRegistry"/> (operators per type family, field arguments, transformers, field-to-field types) and compiles it.
/// Macro references must have been substituted; an unresolved one is an error.
/// </summary>
public sealed class ConditionCompiler
{
    private readonly FieldRegistry _registry;
    private readonly ConditionCompilerOptions _options;

    /// <summary>A compiler against <paramref name="registry"/> (the default registry when null).</summary>
    public ConditionCompiler(FieldRegistry? registry = null, ConditionCompilerOptions? options = null)
    {
        _registry = registry ?? FieldRegistry.Default;
        _options = options ?? new ConditionCompilerOptions();
    }

    /// <summary>The fields conditions are checked against.</summary>
    public FieldRegistry Registry => _registry;

    /// <summary>Parses and compiles; throws <see cref="ConditionSyntaxError"/> or <see cref="ConditionCompileError"/>.</summary>
    public CompiledCondition Compile(string condition) => Compile(ConditionParser.Parse(condition, ConditionParser.FalcoRulesMaxDepth));

    /// <summary>Binds and compiles a parsed condition; throws <see cref="ConditionCompileError"/> at the first problem.</summary>
    public CompiledCondition Compile(ConditionNode condition)
    {
        var warnings = new List<ConditionWarning>();
        BoundNode bound = Bind(condition, warnings);
        return new CompiledCondition(condition, bound, EvaluatorBuilder.Build(bound), warnings);
    }

    /// <summary>Type-checks only; throws <see cref="ConditionCompileError"/> at the first problem.</summary>
    internal BoundNode Bind(ConditionNode condition, List<ConditionWarning>? warnings = null)
    {
        warnings ??= [];
        return condition switch
        {
            AndNode and => new BoundAnd(and.Children.Select(c => Bind(c, warnings)).ToArray()),
            OrNode or => new BoundOr(or.Children.Select(c => Bind(c, warnings)).ToArray()),
            NotNode not => new BoundNot(Bind(not.Operand, warnings)),
            MacroRefNode macro => throw new ConditionCompileError($"Undefined macro '{macro.Name}' used in filter.", macro.Position,
                ConditionCompileErrorKind.UndefinedMacro, macro.Name),
            UnaryCheckNode unary => new BoundExists(BindOperand(unary.Field, allowTransformer: true)),
            BinaryCheckNode check => BindCheck(check, warnings),
            _ => throw new ArgumentException($"unknown condition node {condition.GetType().Name}", nameof(condition)),
        };
    }

    private BoundCheck BindCheck(BinaryCheckNode check, List<ConditionWarning> warnings)
    {
        BoundOperand left = BindOperand(check.Left, allowTransformer: true);
        ComparisonOperator op = check.Operator;
        string opText = check.OperatorText;
        if (left.EitherEnd is not null)
        {
            bool allowed = left.Kind == ValueKind.Unsigned
                ? op is ComparisonOperator.Equal or ComparisonOperator.NotEqual or ComparisonOperator.In or ComparisonOperator.Less
                    or ComparisonOperator.LessOrEqual or ComparisonOperator.Greater or ComparisonOperator.GreaterOrEqual
                : op is ComparisonOperator.Equal or ComparisonOperator.NotEqual or ComparisonOperator.In;
            if (!allowed || check.Modifier != ListModifier.None)
            {
                string what = left.Kind == ValueKind.Unsigned ? "PORT" : "IP";
                throw new ConditionCompileError($"{what} filter only supports '=' and '!=' operators", check.Position);
            }
        }
        if (!ValueTypes.Allows(left.Kind, left.IsList, op))
        {
            string family = left.IsList ? "list" : ValueTypes.KindDescription(left.Kind);
            throw new ConditionCompileError($"'{opText}' operator not supported for {family} filters", check.Position);
        }
        if (check.Modifier != ListModifier.None)
        {
            bool modifierAllowed = left.Kind is ValueKind.String or ValueKind.Bytes
                || (left.Kind is ValueKind.Ip && op is ComparisonOperator.Equal or ComparisonOperator.NotEqual);
            if (!modifierAllowed || ConditionParser.IsListOperator(op) || ConditionParser.IsNumericOperator(op) && left.Kind != ValueKind.String)
            {
                throw new ConditionCompileError($"'{ConditionPrinter.ModifierText(check.Modifier)}' modifier not supported for '{opText}' on {ValueTypes.KindDescription(left.Kind)} filters", check.Position);
            }
        }

        if (check.Right is TransformerNode rightTransformer)
        {
            return BindFieldToField(check, left, rightTransformer);
        }

        IReadOnlyList<string> values;
        bool isList;
        switch (check.Right)
        {
            case ValueNode value:
                values = [value.Value];
                isList = check.Modifier != ListModifier.None || ConditionParser.IsListOperator(op);
                WarnIfLooksLikeField(value, warnings);
                break;
            case ListValueNode list:
                var items = new List<string>(list.Items.Count);
                foreach (ExpressionNode item in list.Items)
                {
                    if (item is not ValueNode itemValue)
                    {
                        throw new ConditionCompileError("list values must be literals", item.Position);
                    }
                    items.Add(itemValue.Value);
                    WarnIfLooksLikeField(itemValue, warnings);
                }
                values = items;
                isList = true;
                break;
            default:
                throw new ConditionCompileError("unsupported right-hand side", check.Right.Position);
        }

        if (check.Left is FieldRefNode && DomainNameFields.Find(left.Extractor.Field.Name) is { } domainField)
        {
            return BindDomainCheck(check, left, domainField, values, isList, warnings);
        }

        ParamType valueType = left.Type;
        foreach (string value in values)
        {
            string? error = ValueTypes.Validate(value, valueType, op);
            if (error is not null)
            {
                throw new ConditionCompileError(error, check.Right.Position);
            }
            if (left.Extractor.Field.Name == EventTypeExtraction.EventTypeField && !_options.IsKnownEventType(value))
            {
                throw new ConditionCompileError($"unknown event type {value}", check.Right.Position, ConditionCompileErrorKind.UnknownEventType, value);
            }
        }
        return new BoundCheck(left, op, check.Modifier, values, isList, null);
    }

    /// <summary>
    /// <c>fd.*ip.name</c> with <c>=</c>, <c>!=</c> or <c>in</c>: whether the address has the name (or a name matching a
    /// wildcard) in the DNS store, as Falco's DNS manager answers it, without a lookup on the event path.
    /// </summary>
    private BoundCheck BindDomainCheck(BinaryCheckNode check, BoundOperand left, DomainNameField field, IReadOnlyList<string> values, bool isList,
        List<ConditionWarning> warnings)
    {
        if (check.Operator is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual or ComparisonOperator.In) || check.Modifier != ListModifier.None)
        {
            throw new ConditionCompileError("fd.*ip.name filter only supports '=' and '!=' operators", check.Position);
        }
        var patterns = new List<Falconet.Dns.DomainPattern>(values.Count);
        foreach (string value in values)
        {
            bool wildcard = value.Contains('*', StringComparison.Ordinal);
            if (wildcard && !_options.DomainWildcards)
            {
                continue; // Falco compares names literally: no address has a name with '*'.
            }
            if (Falconet.Dns.DomainPattern.TryParse(value, out Falconet.Dns.DomainPattern? pattern, out string? error))
            {
                patterns.Add(pattern!);
            }
            else if (wildcard)
            {
                // Loads, as in Falco, but can never match: say why.
                warnings.Add(new ConditionWarning($"'{value}' is not a valid domain pattern ({error}); it never matches", check.Right.Position));
            }
        }
        return new BoundCheck(left, check.Operator, ListModifier.None, values, isList, null,
            new DomainNameCheck(field, new Falconet.Dns.DomainPatternSet(patterns)));
    }

    private BoundCheck BindFieldToField(BinaryCheckNode check, BoundOperand left, TransformerNode right)
    {
        if (check.Modifier != ListModifier.None || check.Operator is ComparisonOperator.PMatch or ComparisonOperator.Regex
            or ComparisonOperator.BContains or ComparisonOperator.BStartsWith || left.Kind == ValueKind.Net || left.EitherEnd is not null)
        {
            throw new ConditionCompileError($"'{check.OperatorText}' operator not supported with a field on the right-hand side", check.Right.Position);
        }
        BoundOperand rightOperand;
        if (right.IsVal)
        {
            var field = (FieldRefNode)right.Arguments[0];
            rightOperand = BindOperand(field, allowTransformer: false);
            if ((rightOperand.Extractor.Field.Flags & FieldFlags.NoRhs) != 0)
            {
                throw new ConditionCompileError($"field '{field.Name}' cannot be used on the right-hand side", right.Position);
            }
        }
        else
        {
            rightOperand = BindOperand(right, allowTransformer: true);
        }
        if (rightOperand.Kind != left.Kind || rightOperand.IsList != left.IsList || rightOperand.EitherEnd is not null)
        {
            throw new ConditionCompileError(
                $"field '{left.Text}' has type '{left.Type}' while the right-hand side field '{rightOperand.Text}' has incompatible type '{rightOperand.Type}'",
                right.Position);
        }
        return new BoundCheck(left, check.Operator, ListModifier.None, null, false, rightOperand);
    }

    private void WarnIfLooksLikeField(ValueNode value, List<ConditionWarning> warnings)
    {
        if (!value.WasQuoted && value.Value.Contains('.', StringComparison.Ordinal) && _registry.TryResolve(value.Value, out _, out _))
        {
            warnings.Add(new ConditionWarning($"'{value.Value}' may be a valid field misused as a const string value", value.Position));
        }
    }

    private BoundOperand BindOperand(ExpressionNode expression, bool allowTransformer)
    {
        switch (expression)
        {
            case FieldRefNode field:
                return BindField(field);
            case TransformerNode transformer when allowTransformer && !transformer.IsVal:
                return BindTransformer(transformer);
            default:
                throw new ConditionCompileError($"expected a field, found '{expression}'", expression.Position);
        }
    }

    private BoundOperand BindField(FieldRefNode node)
    {
        if (!_registry.TryResolve(node.Name, out FieldDescriptor? descriptor, out string? dotted))
        {
            throw new ConditionCompileError($"'{node.Name}' is not a supported filter field", node.Position, ConditionCompileErrorKind.UnknownField, node.Name);
        }
        string? argumentText = node.Argument ?? dotted;
        if (node.Argument is not null && dotted is not null)
        {
            throw new ConditionCompileError($"field '{node.Name}' takes one argument, given twice", node.Position);
        }
        if (argumentText is null && descriptor.ArgumentMode == FieldArgumentMode.Required)
        {
            throw new ConditionCompileError($"field '{descriptor.Name}' requires an argument", node.Position);
        }
        if (argumentText is not null && descriptor.ArgumentMode == FieldArgumentMode.None)
        {
            throw new ConditionCompileError($"field '{descriptor.Name}' does not take an argument", node.Position);
        }
        FieldExtractor extractor;
        try
        {
            extractor = descriptor.CreateExtractor(argumentText is null ? null : new FieldArgument(argumentText));
        }
        catch (FieldArgumentException e)
        {
            throw new ConditionCompileError(e.Message, node.Position);
        }
        bool isList = (descriptor.Flags & FieldFlags.IsList) != 0;
        return new BoundOperand(extractor, extractor.Type, isList, extractor as IEitherEndExtractor, node.ToString());
    }

    private BoundOperand BindTransformer(TransformerNode node)
    {
        if (node.Name is not ("tolower" or "toupper" or "b64" or "basename" or "len"))
        {
            throw new ConditionCompileError($"transformer '{node.Name}' is not supported by Falconet", node.Position);
        }
        if (node.Arguments.Count != 1 || node.Argument is not null)
        {
            throw new ConditionCompileError($"transformer '{node.Name}' takes exactly one field argument", node.Position);
        }
        BoundOperand inner = BindOperand(node.Arguments[0], allowTransformer: true);
        if ((inner.Extractor.Field.Flags & FieldFlags.NoTransformer) != 0 || inner.EitherEnd is not null)
        {
            throw new ConditionCompileError($"transformers are not supported on field '{inner.Text}'", node.Position);
        }
        bool typeOk = node.Name switch
        {
            "tolower" or "toupper" or "basename" => inner.Kind == ValueKind.String && !inner.IsList,
            "b64" => inner.Kind is ValueKind.String or ValueKind.Bytes && !inner.IsList,
            _ => inner.Kind is ValueKind.String or ValueKind.Bytes || inner.IsList,
        };
        if (!typeOk)
        {
            throw new ConditionCompileError($"transformer '{node.Name}' does not support field type '{inner.Type}' of '{inner.Text}'", node.Position);
        }
        FieldExtractor extractor = TransformerExtractor.Create(node.Name, inner.Extractor, inner.Type);
        return new BoundOperand(extractor, extractor.Type, node.Name != "len" && inner.IsList, null, node.ToString());
    }
}
