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
        if (FindEventTypeThroughTransformer(condition) is { } position)
        {
            // Falco's event-type indexing stops the whole program with this message; here it is the rule's error.
            throw new ConditionCompileError("event code search does not support `evt.type` checks with transformers", position);
        }
        return new CompiledCondition(condition, bound, EvaluatorBuilder.Build(bound), warnings);
    }

    /// <summary>
    /// Binds a transformer call of an output format. libsinsp prints <c>&lt;NA&gt;</c> for <c>len</c> of anything but a
    /// list there, so that is what the extractor gives. Returns the extractor and the fields the call reads.
    /// </summary>
    internal (FieldExtractor Extractor, List<KeyValuePair<string, FieldExtractor>> Fields) BindOutputTransformer(TransformerNode node)
    {
        BoundOperand bound = BindTransformer(node);
        FieldExtractor extractor = bound.Extractor;
        if (node.Name == "len" && bound.Items is [{ IsList: false }])
        {
            extractor = new AbsentExtractor(extractor);
        }
        var fields = new List<KeyValuePair<string, FieldExtractor>>();
        CollectFields(node, fields);
        return (extractor, fields);
    }

    private void CollectFields(ExpressionNode expression, List<KeyValuePair<string, FieldExtractor>> into)
    {
        if (expression is FieldRefNode field)
        {
            string key = field.Argument is null ? field.Name : $"{field.Name}[{field.Argument}]";
            into.Add(new(key, BindField(field).Extractor));
        }
        foreach (ExpressionNode operand in OperandsOf(expression))
        {
            CollectFields(operand, into);
        }
    }

    /// <summary>The expressions a transformer call or a list is made of; none for a field or a value.</summary>
    private static IReadOnlyList<ExpressionNode> OperandsOf(ExpressionNode expression) => expression switch
    {
        TransformerNode transformer => transformer.Arguments,
        ListValueNode list => list.Items,
        _ => [],
    };

    /// <summary>libsinsp reports every problem of a check at the start of the check (its warnings at the value).</summary>
    private static BoundNode AtCheck(ConditionNode check, Func<BoundNode> bind)
    {
        try
        {
            return bind();
        }
        catch (ConditionCompileError e) when (e.Position != check.Position)
        {
            throw new ConditionCompileError(e.Message, check.Position, e.Kind, e.Subject);
        }
    }

    /// <summary>The first check that compares <c>evt.type</c> through a transformer (on either side), or null.</summary>
    private static SourcePosition? FindEventTypeThroughTransformer(ConditionNode node)
    {
        switch (node)
        {
            case AndNode and:
                return and.Children.Select(FindEventTypeThroughTransformer).FirstOrDefault(p => p is not null);
            case OrNode or:
                return or.Children.Select(FindEventTypeThroughTransformer).FirstOrDefault(p => p is not null);
            case NotNode not:
                return FindEventTypeThroughTransformer(not.Operand);
            case BinaryCheckNode check:
                bool throughTransformer = check.Left switch
                {
                    TransformerNode transformer => MentionsEventType(transformer),
                    FieldRefNode field => field.Name == EventTypeExtraction.EventTypeField && check.Right is TransformerNode,
                    _ => false,
                };
                return throughTransformer ? check.Position : null;
            default:
                return null;
        }
    }

    private static bool MentionsEventType(ExpressionNode expression) =>
        expression is FieldRefNode { Name: EventTypeExtraction.EventTypeField } || OperandsOf(expression).Any(MentionsEventType);

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
            UnaryCheckNode unary => AtCheck(unary, () => new BoundExists(BindOperand(unary.Field, allowTransformer: true))),
            BinaryCheckNode check => AtCheck(check, () => BindCheck(check, warnings)),
            _ => throw new ArgumentException($"unknown condition node {condition.GetType().Name}", nameof(condition)),
        };
    }

    private BoundCheck BindCheck(BinaryCheckNode check, List<ConditionWarning> warnings)
    {
        BoundOperand left = BindOperand(check.Left, allowTransformer: true);
        ComparisonOperator op = check.Operator;
        string opText = check.OperatorText;
        // libsinsp's checks and words (flt_is_comparable), "==" printed as "=" and the missing "for" before "list" included.
        string opName = opText == "==" ? "=" : opText;
        if (left.IsList)
        {
            if (!ValueTypes.Allows(left.Kind, true, op))
            {
                throw new ConditionCompileError($"filter error: '{opName}' operator not supported list filters", check.Position);
            }
        }
        else
        {
            if (check.Modifier != ListModifier.None && left.Kind is ValueKind.Ip or ValueKind.Net
                && op is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual))
            {
                throw new ConditionCompileError($"filter error: '{opName}' with modifier not supported for ip address and network filters", check.Position);
            }
            if (!ValueTypes.Allows(left.Kind, false, op))
            {
                throw new ConditionCompileError($"filter error: '{opName}' operator not supported for {ValueTypes.KindDescription(left.Kind)} filters", check.Position);
            }
        }

        if (left.EitherEnd is not null && op == ComparisonOperator.Intersects && left.Kind is ValueKind.Unsigned or ValueKind.Ip)
        {
            // libsinsp loads these and stops the whole program with this message at the first socket event; here it is the rule's error.
            throw new ConditionCompileError(left.Kind == ValueKind.Ip ? "filter error: IP filter only supports '=' and '!=' operators"
                : "filter error: unsupported port comparison operator", check.Position);
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
                    // libsinsp puts a list item's warning at the list.
                    WarnIfLooksLikeField(itemValue with { Position = list.Position }, warnings);
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
            if (op == ComparisonOperator.Regex)
            {
                WarnIfSimpleRegex(value, check.Right.Position, warnings);
            }
            if (left.Extractor.Field.Name == EventTypeExtraction.EventTypeField && !_options.IsKnownEventType(value))
            {
                throw new ConditionCompileError($"unknown event type {value}", check.Right.Position, ConditionCompileErrorKind.UnknownEventType, value);
            }
        }
        if (left.EitherEnd is not null)
        {
            return BindEitherEndCheck(left, op, check.Modifier, values, isList);
        }
        return new BoundCheck(left, op, check.Modifier, values, isList, null);
    }

    /// <summary>
    /// libsinsp compares <c>fd.ip</c>, <c>fd.port</c> and <c>fd.net</c> with the first value only, whatever the modifier
    /// (an empty list never matches), and its <c>fd.ip in (…)</c> and <c>fd.net intersects (…)</c> match nothing; Falconet gives the same answers.
    /// </summary>
    private static BoundCheck BindEitherEndCheck(BoundOperand left, ComparisonOperator op, ListModifier modifier, IReadOnlyList<string> values, bool isList)
    {
        bool never = (modifier != ListModifier.None && values.Count == 0) || (left.Kind == ValueKind.Ip && op == ComparisonOperator.In)
            || (left.Kind == ValueKind.Net && op == ComparisonOperator.Intersects);
        if (modifier != ListModifier.None)
        {
            values = values.Count == 0 ? values : [values[0]];
            isList = false;
        }
        return new BoundCheck(left, op, ListModifier.None, values, isList, null) { NeverMatches = never };
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
        // libsinsp's checks, in its order.
        if (check.Modifier != ListModifier.None || check.Operator is ComparisonOperator.PMatch or ComparisonOperator.Regex)
        {
            throw new ConditionCompileError($"operator '{check.OperatorText.ToUpperInvariant()}' doesn't support right-hand side fields", check.Right.Position);
        }
        if (left.Type == ParamType.Ipnet)
        {
            throw new ConditionCompileError("field type 'IPNET' doesn't support right-hand side fields", check.Right.Position);
        }
        if ((left.Flags & FieldFlags.NoRhs) != 0 || left.EitherEnd is not null)
        {
            throw new ConditionCompileError($"field '{left.FalcoName}' doesn't support right-hand side fields", check.Right.Position);
        }
        BoundOperand rightOperand;
        if (right.IsVal)
        {
            var field = (FieldRefNode)right.Arguments[0];
            rightOperand = BindField(field);
        }
        else
        {
            rightOperand = BindTransformer(right);
        }
        if ((rightOperand.Flags & FieldFlags.NoRhs) != 0 || rightOperand.EitherEnd is not null)
        {
            throw new ConditionCompileError($"field '{rightOperand.FalcoName}' can't be used as a right-hand side field", right.Position);
        }
        if (left.MultiValue && (!SameType(rightOperand.Type, left.Type) || rightOperand.IsList != left.IsList))
        {
            // libsinsp skips the type check here and compares the string's bytes with the other value's: no meaning.
            throw new ConditionCompileError(
                $"comparing the result of '{((TransformerNode)check.Left).Name}' with the field '{rightOperand.FalcoName}' of type '{TypeName(rightOperand.Type)}' is not supported by Falconet: Falco compares raw bytes",
                right.Position);
        }
        if (!SameType(rightOperand.Type, left.Type) || rightOperand.IsList != left.IsList)
        {
            throw new ConditionCompileError(
                $"field '{left.FalcoName}' has type '{TypeName(left.Type)}' while the right-hand side field '{rightOperand.FalcoName}' has incompatible type '{TypeName(rightOperand.Type)}'",
                right.Position);
        }
        return new BoundCheck(left, check.Operator, ListModifier.None, null, false, rightOperand);
    }

    /// <summary>Exact types, except that the text types (CHARBUF, FSPATH, FSRELPATH) compare with each other.</summary>
    private static bool SameType(ParamType a, ParamType b) =>
        a == b || (a is ParamType.Charbuf or ParamType.Fspath or ParamType.Fsrelpath && b is ParamType.Charbuf or ParamType.Fspath or ParamType.Fsrelpath);

    /// <summary>libsinsp's name of a field type (<c>param_type_to_string</c>), as its messages print it.</summary>
    internal static string TypeName(ParamType type) => type switch
    {
        ParamType.CharbufPairArray => "CHARBUF_PAIR_ARRAY",
        ParamType.Dyn => "DYNAMIC",
        _ => type.ToString().ToUpperInvariant(),
    };

    private void WarnIfLooksLikeField(ValueNode value, List<ConditionWarning> warnings)
    {
        string text = value.Value;
        if (LooksLikeField(text))
        {
            warnings.Add(new ConditionWarning($"'{text}' may be a valid field misused as a const string value", value.Position));
        }
        else if (LooksLikeTransformer(text))
        {
            warnings.Add(new ConditionWarning($"'{text}' may be a valid field transformer misused as a const string value", value.Position));
        }
    }

    /// <summary>A registered field, with an optional <c>[argument]</c>, quoted or not (libsinsp warns either way).</summary>
    private bool LooksLikeField(string text)
    {
        int bracket = text.IndexOf('[', StringComparison.Ordinal);
        string name = bracket > 0 && text.EndsWith(']') ? text[..bracket] : text;
        return name.Contains('.', StringComparison.Ordinal) && _registry.TryResolve(name, out _, out _);
    }

    /// <summary>A whole transformer call, whatever its fields are (<c>toupper(proc.nope)</c> warns too).</summary>
    private static bool LooksLikeTransformer(string text)
    {
        int paren = text.IndexOf('(', StringComparison.Ordinal);
        if (paren <= 0 || !ConditionParser.TransformerNames.Contains(text[..paren]))
        {
            return false;
        }
        try
        {
            ConditionParser.ParseTransformerAt(text, 0, out int end, allowVal: true);
            return end == text.Length;
        }
        catch (ConditionSyntaxError)
        {
            return false;
        }
    }

    /// <summary>
    /// libsinsp's hint for regexes that are a plain string with at most one anchor or <c>.*</c> at each end:
    /// <c>=</c>, <c>contains</c>, <c>startswith</c> or <c>endswith</c> would do.
    /// </summary>
    private static void WarnIfSimpleRegex(string pattern, SourcePosition position, List<ConditionWarning> warnings)
    {
        ReadOnlySpan<char> middle = pattern;
        if (middle.StartsWith("^"))
        {
            middle = middle[1..];
        }
        else if (middle.StartsWith(".*"))
        {
            middle = middle[2..];
        }
        if (middle.EndsWith("$"))
        {
            middle = middle[..^1];
        }
        else if (middle.EndsWith(".*"))
        {
            middle = middle[..^2];
        }
        if (middle.IndexOfAny(@".[](){}|*+?\^$") < 0)
        {
            warnings.Add(new ConditionWarning(
                $"regex check with '{pattern}' may be optimized with simpler operators such as '=', 'contains', 'startswith', 'endswith'", position));
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

    /// <summary>An argument of a transformer call: a field, a transformer, a literal or a parenthesised list of those.</summary>
    private BoundOperand BindTransformerArgument(ExpressionNode expression)
    {
        switch (expression)
        {
            case ValueNode value:
                return new BoundOperand(new ConstantExtractor(value.Value), ParamType.Charbuf, false, null, expression.ToString());
            case ListValueNode list:
                BoundOperand[] items = [.. list.Items.Select(BindTransformerArgument)];
                return new BoundOperand(new ListLiteralExtractor([.. items.Select(i => i.Extractor)]), ParamType.Charbuf, true, null,
                    expression.ToString(), flags: FieldFlags.IsList) { Items = items };
            default:
                return BindOperand(expression, allowTransformer: true);
        }
    }

    private static readonly HashSet<string> s_singleTransformers = new(StringComparer.Ordinal) { "tolower", "toupper", "b64", "basename", "len" };

    /// <summary>
    /// A transformer call, checked as libsinsp does: one argument is a one-value transformer (<c>tolower</c>,
    /// <c>toupper</c>, <c>b64</c>, <c>basename</c>, <c>len</c>), more are a multi-value one (<c>join</c>,
    /// <c>concat</c>, <c>getopt</c>).
    /// </summary>
    private BoundOperand BindTransformer(TransformerNode node)
    {
        if (node.Arguments.Count != 1)
        {
            return BindMultiValueTransformer(node);
        }
        if (node.Argument is not null)
        {
            throw new ConditionCompileError($"filter error: transformer '{node.Name}' does not support field arguments", node.Position);
        }
        if (!s_singleTransformers.Contains(node.Name))
        {
            throw new ConditionCompileError($"unknown field transfomer '{node.Name}'", node.Position);
        }
        BoundOperand inner = BindTransformerArgument(node.Arguments[0]);
        if ((inner.Flags & FieldFlags.NoTransformer) != 0 || inner.EitherEnd is not null)
        {
            throw new ConditionCompileError($"field '{inner.FalcoName}' does not support transformers", node.Position);
        }
        bool typeOk = node.Name switch
        {
            "tolower" or "toupper" or "basename" => inner.Type is ParamType.Charbuf or ParamType.Fspath or ParamType.Fsrelpath,
            "b64" => inner.Type is ParamType.Charbuf or ParamType.Bytebuf,
            _ => inner.IsList || inner.Type is ParamType.Charbuf or ParamType.Fspath or ParamType.Fsrelpath or ParamType.Bytebuf,
        };
        if (!typeOk)
        {
            throw new ConditionCompileError(
                $"can't add field transformer: type '{TypeName(inner.Type)}' is not supported by '{node.Name}' transformer applied on field '{inner.FalcoName}'",
                node.Position);
        }
        FieldExtractor extractor = TransformerExtractor.Create(node.Name, inner.Extractor, inner.Type);
        bool isList = node.Name != "len" && inner.IsList;
        return new BoundOperand(extractor, extractor.Type, isList, null, node.ToString(), inner.FalcoName,
            inner.Flags & ~FieldFlags.IsList | (isList ? FieldFlags.IsList : FieldFlags.None)) { Items = [inner] };
    }

    private BoundOperand BindMultiValueTransformer(TransformerNode node)
    {
        if (node.Name is not ("join" or "concat" or "getopt"))
        {
            // Falco aborts with this runtime error; here it is the rule's load error.
            throw new ConditionCompileError("unknown multivalue transformer", node.Position);
        }
        BoundOperand[] args = [.. node.Arguments.Select(BindTransformerArgument)];
        FieldExtractor extractor;
        bool isList = false;
        switch (node.Name)
        {
            case "join":
                if (args.Length != 2)
                {
                    throw new ConditionCompileError("join() requires exactly 2 arguments: separator and list", node.Position);
                }
                if (args[0].IsListArgument)
                {
                    throw new ConditionCompileError("join() first argument (separator) must be a single value, not a list", node.Position);
                }
                if (!args[1].IsListArgument)
                {
                    throw new ConditionCompileError("join() second argument must be a list", node.Position);
                }
                RequireText(node, args[0]);
                foreach (BoundOperand item in args[1].Items is { } items ? items : [args[1]])
                {
                    RequireText(node, item);
                }
                extractor = new JoinExtractor(args[0].Extractor, args[1].Extractor);
                break;
            case "concat":
                foreach (BoundOperand arg in args)
                {
                    if (arg.Type != ParamType.Charbuf || arg.IsListArgument)
                    {
                        throw new ConditionCompileError("concat() arguments must be strings", node.Position);
                    }
                }
                extractor = new ConcatExtractor([.. args.Select(a => a.Extractor)]);
                break;
            default:
                if (args.Length != 2)
                {
                    throw new ConditionCompileError("getopt() requires exactly 2 arguments: args list and optstring", node.Position);
                }
                if (!args[0].IsListArgument)
                {
                    throw new ConditionCompileError("getopt() first argument must be a list", node.Position);
                }
                if (args[1].IsListArgument)
                {
                    throw new ConditionCompileError("getopt() second argument (optstring) must be a single value", node.Position);
                }
                if (args[0].Type != ParamType.Charbuf || args[1].Type != ParamType.Charbuf)
                {
                    throw new ConditionCompileError("getopt() arguments must be strings", node.Position);
                }
                if (node.Argument is { Length: not 1 })
                {
                    throw new ConditionCompileError("getopt() field argument must be a single option character", node.Position);
                }
                isList = node.Argument is null;
                extractor = new GetoptExtractor(args[0].Extractor, args[1].Extractor, node.Argument?[0]);
                break;
        }
        if (node.Name != "getopt" && node.Argument is not null)
        {
            throw new ConditionCompileError($"transformer '{node.Name}' does not support field arguments", node.Position);
        }
        return new BoundOperand(extractor, ParamType.Charbuf, isList, null, node.ToString(), TransformerField.Name,
            isList ? FieldFlags.IsList : FieldFlags.None) { Items = args, MultiValue = true };
    }

    /// <summary>
    /// libsinsp joins the raw bytes of each value; for numbers, addresses and booleans those are not text, so Falconet
    /// refuses them rather than print bytes no one can read.
    /// </summary>
    private static void RequireText(TransformerNode node, BoundOperand operand)
    {
        if (operand.Items is null && ValueTypes.KindOf(operand.Type) is not (ValueKind.String or ValueKind.Bytes))
        {
            throw new ConditionCompileError(
                $"join() of the non-string field '{operand.FalcoName}' (type '{TypeName(operand.Type)}') is not supported by Falconet: Falco joins its raw bytes",
                node.Position);
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
        return new BoundOperand(extractor, extractor.Type, isList, extractor as IEitherEndExtractor, node.ToString(), descriptor.Name, descriptor.Flags);
    }
}
