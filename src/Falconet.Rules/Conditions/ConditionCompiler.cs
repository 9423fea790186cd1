using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.State;

namespace Falconet.Rules.Conditions;

/// <summary>What kind of problem a <see cref="ConditionCompileError"/> is; callers such as the rules loader treat some specially.</summary>
public enum ConditionCompileErrorKind
{
    /// <summary>A bad operator, value, argument or type combination.</summary>
    Invalid,

    /// <summary>A field name no registered field resolves; <see cref="ConditionCompileError.Subject"/> is the name.</summary>
    UnknownField,

    /// <summary>An <c>evt.type</c> value that is neither an event nor a syscall name; the subject is the value.</summary>
    UnknownEventType,

    /// <summary>A macro reference left in the condition; the subject is the macro name.</summary>
    UndefinedMacro,
}

/// <summary>A condition that does not type-check against the fields (unknown field, bad operator or value).</summary>
public sealed class ConditionCompileError : Exception
{
    public ConditionCompileError(string message, SourcePosition position)
        : this(message, position, ConditionCompileErrorKind.Invalid, null)
    {
    }

    public ConditionCompileError(string message, SourcePosition position, ConditionCompileErrorKind kind, string? subject)
        : base(message)
    {
        Position = position;
        Kind = kind;
        Subject = subject;
    }

    public SourcePosition Position { get; }

    public ConditionCompileErrorKind Kind { get; }

    /// <summary>The unknown field, event type or macro name, for the kinds that have one.</summary>
    public string? Subject { get; }

    public string Describe() => $"{Position.Line}:{Position.Column}: {Message}";
}

/// <summary>A non-fatal finding (Falco's <c>LOAD_COMPILE_CONDITION</c> warnings).</summary>
public sealed record ConditionWarning(string Message, SourcePosition Position);

/// <summary>Options of the condition compiler.</summary>
public sealed class ConditionCompilerOptions
{
    /// <summary>
    /// Names <c>evt.type</c> may be compared with. Defaults to every event and syscall name (<see cref="EventTypeNames"/>),
    /// as Falco accepts any syscall name whether or not it has a dedicated event.
    /// </summary>
    public Func<string, bool> IsKnownEventType { get; init; } = EventTypeNames.IsKnown;
}

/// <summary>An operand after binding: an extractor (with transformers applied) and its comparison family.</summary>
public sealed class BoundOperand(FieldExtractor extractor, ParamType type, bool isList, IEitherEndExtractor? eitherEnd, string text)
{
    public FieldExtractor Extractor { get; } = extractor;
    public ParamType Type { get; } = type;
    public ValueKind Kind { get; } = ValueTypes.KindOf(type);
    public bool IsList { get; } = isList;

    /// <summary>Set for <c>fd.ip</c>/<c>fd.port</c>/<c>fd.net</c>-style fields that compare either socket end.</summary>
    public IEitherEndExtractor? EitherEnd { get; } = eitherEnd;

    public string Text { get; } = text;
}

/// <summary>A type-checked condition tree, input of both the interpreter and the compiler to evaluators.</summary>
public abstract class BoundNode;

public sealed class BoundAnd(BoundNode[] children) : BoundNode
{
    public BoundNode[] Children { get; } = children;
}

public sealed class BoundOr(BoundNode[] children) : BoundNode
{
    public BoundNode[] Children { get; } = children;
}

public sealed class BoundNot(BoundNode operand) : BoundNode
{
    public BoundNode Operand { get; } = operand;
}

public sealed class BoundExists(BoundOperand field) : BoundNode
{
    public BoundOperand Field { get; } = field;
}

/// <summary>
/// A comparison. Exactly one of <see cref="Values"/> (literal(s), validated for the field's type) and
/// <see cref="RightField"/> (field-to-field) is set. <see cref="IsListRhs"/> tells whether the literal was a list.
/// </summary>
public sealed class BoundCheck(BoundOperand left, ComparisonOperator op, ListModifier modifier, IReadOnlyList<string>? values, bool isListRhs, BoundOperand? rightField)
    : BoundNode
{
    public BoundOperand Left { get; } = left;
    public ComparisonOperator Operator { get; } = op;
    public ListModifier Modifier { get; } = modifier;
    public IReadOnlyList<string>? Values { get; } = values;
    public bool IsListRhs { get; } = isListRhs;
    public BoundOperand? RightField { get; } = rightField;
}

/// <summary>The result of compiling a condition: both evaluation backends, the event types it can match and warnings.</summary>
public sealed class CompiledCondition
{
    internal CompiledCondition(ConditionNode source, BoundNode bound, ConditionEvaluator evaluator, IReadOnlyList<ConditionWarning> warnings)
    {
        Source = source;
        Bound = bound;
        Evaluator = evaluator;
        Warnings = warnings;
        EventTypes = EventTypeExtraction.Compute(source);
    }

    public ConditionNode Source { get; }
    public BoundNode Bound { get; }
    public ConditionEvaluator Evaluator { get; }
    public IReadOnlyList<ConditionWarning> Warnings { get; }
    public EventTypeSet EventTypes { get; }

    /// <summary>The fast path: the tree of compiled evaluators; allocates nothing per event.</summary>
    public bool Evaluate(EventContext context) => Evaluator.Evaluate(context);

    /// <summary>The reference path: walks <see cref="Bound"/> and converts literals on every call.</summary>
    public bool Interpret(EventContext context) => ConditionInterpreter.Evaluate(Bound, context);
}

/// <summary>
/// Type-checks a condition against a <see cref="FieldRegistry"/> (falco-reference §2.3–2.6) and compiles it.
/// Macro references must have been substituted; an unresolved one is an error.
/// </summary>
public sealed class ConditionCompiler
{
    private readonly FieldRegistry _registry;
    private readonly ConditionCompilerOptions _options;

    public ConditionCompiler(FieldRegistry? registry = null, ConditionCompilerOptions? options = null)
    {
        _registry = registry ?? FieldRegistry.Default;
        _options = options ?? new ConditionCompilerOptions();
    }

    public FieldRegistry Registry => _registry;

    /// <summary>Parses and compiles; throws <see cref="ConditionSyntaxError"/> or <see cref="ConditionCompileError"/>.</summary>
    public CompiledCondition Compile(string condition) => Compile(ConditionParser.Parse(condition, ConditionParser.FalcoRulesMaxDepth));

    public CompiledCondition Compile(ConditionNode condition)
    {
        var warnings = new List<ConditionWarning>();
        BoundNode bound = Bind(condition, warnings);
        return new CompiledCondition(condition, bound, EvaluatorBuilder.Build(bound), warnings);
    }

    /// <summary>Type-checks only; throws <see cref="ConditionCompileError"/> at the first problem.</summary>
    public BoundNode Bind(ConditionNode condition, List<ConditionWarning>? warnings = null)
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
