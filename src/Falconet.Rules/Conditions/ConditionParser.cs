using System.Text;
using Falconet.Core.Text;

namespace Falconet.Rules.Conditions;

/// <summary>
/// Parses Falco's condition language into an AST whose nodes carry their
/// position. Precedence: <c>not</c> binds tightest, then <c>and</c>, then <c>or</c>; chains are n-ary.
/// Macro references stay <see cref="MacroRefNode"/>s; list names on the right of <c>in</c> stay bare
/// <see cref="ValueNode"/>s (Falco substitutes lists textually before parsing).
/// </summary>
public static class ConditionParser
{
    /// <summary>libsinsp's default nesting limit (Falco raises it to 1000 for rules files).</summary>
    public const int MaxDepth = 100;

    /// <summary>The nesting limit Falco itself configures when it loads rules files.</summary>
    public const int FalcoRulesMaxDepth = 1000;

    /// <summary>Transformer names the parser recognises when a name is followed directly by <c>(</c>.</summary>
    public static IReadOnlySet<string> TransformerNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "tolower", "toupper", "b64", "basename", "len", "val", "join", "concat", "getopt",
    };

    /// <summary>Parses <paramref name="condition"/>; throws <see cref="ConditionSyntaxError"/> on bad input.</summary>
    public static ConditionNode Parse(string condition, int maxDepth = MaxDepth)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return new Parser(condition, maxDepth).ParseAll();
    }

    /// <summary>Parses without throwing for syntax errors.</summary>
    public static bool TryParse(string condition, out ConditionNode? node, out ConditionSyntaxError? error, int maxDepth = MaxDepth) =>
        ParseAttempt.Run(() => Parse(condition, maxDepth), out node, out error);

    /// <summary>
    /// Reads <paramref name="text"/> as one quoted string of the condition language (<c>"a \"b\""</c>, <c>'c'</c>) with
    /// its escapes; false when it is not exactly one quoted string. Rules list items written with quotes mean the
    /// unquoted value once a list expands into a condition.
    /// </summary>
    public static bool TryReadQuotedString(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        value = null;
        if (text.Length < 2 || text[0] is not ('"' or '\''))
        {
            return false;
        }
        try
        {
            var parser = new Parser(text, MaxDepth);
            string quoted = parser.ReadQuotedAtStart(out int end);
            if (end != text.Length)
            {
                return false;
            }
            value = quoted;
            return true;
        }
        catch (ConditionSyntaxError)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads the transformer call whose name starts at <paramref name="start"/> (an output format's
    /// <c>%toupper(proc.name)</c>); <paramref name="end"/> is where it stopped. Throws <see cref="ConditionSyntaxError"/>.
    /// </summary>
    internal static TransformerNode ParseTransformerAt(string text, int start, out int end, bool allowVal = false) =>
        new Parser(text, FalcoRulesMaxDepth).ReadTransformerAt(start, out end, allowVal);

    private static readonly (string Text, ComparisonOperator Op)[] s_symbolOperators =
    [
        ("<=", ComparisonOperator.LessOrEqual),
        ("<", ComparisonOperator.Less),
        (">=", ComparisonOperator.GreaterOrEqual),
        (">", ComparisonOperator.Greater),
        ("==", ComparisonOperator.Equal),
        ("=", ComparisonOperator.Equal),
        ("!=", ComparisonOperator.NotEqual),
    ];

    private static readonly (string Text, ComparisonOperator Op)[] s_wordOperators =
    [
        ("glob", ComparisonOperator.Glob),
        ("iglob", ComparisonOperator.IGlob),
        ("contains", ComparisonOperator.Contains),
        ("icontains", ComparisonOperator.IContains),
        ("bcontains", ComparisonOperator.BContains),
        ("startswith", ComparisonOperator.StartsWith),
        ("bstartswith", ComparisonOperator.BStartsWith),
        ("endswith", ComparisonOperator.EndsWith),
        ("regex", ComparisonOperator.Regex),
        ("intersects", ComparisonOperator.Intersects),
        ("in", ComparisonOperator.In),
        ("pmatch", ComparisonOperator.PMatch),
    ];

    internal static bool IsListOperator(ComparisonOperator op) =>
        op is ComparisonOperator.In or ComparisonOperator.Intersects or ComparisonOperator.PMatch;

    internal static bool IsNumericOperator(ComparisonOperator op) =>
        op is ComparisonOperator.Less or ComparisonOperator.LessOrEqual or ComparisonOperator.Greater or ComparisonOperator.GreaterOrEqual;

    private sealed class Parser
    {
        private readonly string _text;
        private readonly int _maxDepth;
        private readonly List<int> _lineStarts = [0];
        private int _pos;
        private int _depth;
        private string _lastToken = "";

        public Parser(string text, int maxDepth)
        {
            _text = text;
            _maxDepth = maxDepth;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    _lineStarts.Add(i + 1);
                }
            }
        }

        public ConditionNode ParseAll()
        {
            if (_text.Length == 0)
            {
                throw Error("filter input string is empty", 0);
            }
            ConditionNode result = ParseOr();
            SkipBlanks();
            if (_pos < _text.Length)
            {
                throw Error($"unexpected token after '{_lastToken}', expecting 'or', 'and'");
            }
            return result;
        }

        private ConditionNode ParseOr() => ParseJunction(isOr: true);

        private ConditionNode ParseAnd() => ParseJunction(isOr: false);

        /// <summary>One precedence level: <c>or</c> over <c>and</c> operands, or <c>and</c> over <c>not</c> operands.</summary>
        private ConditionNode ParseJunction(bool isOr)
        {
            int start = _pos;
            ConditionNode first = isOr ? ParseAnd() : ParseNot();
            List<ConditionNode>? children = null;
            while (true)
            {
                int save = _pos;
                SkipBlanks();
                if (!TryKeyword(isOr ? "or" : "and"))
                {
                    _pos = save;
                    break;
                }
                SkipBlanks();
                children ??= [first];
                children.Add(isOr ? ParseAnd() : ParseNot());
            }
            if (children is null)
            {
                return first;
            }
            return isOr ? new OrNode(children, PositionAt(start)) : new AndNode(children, PositionAt(start));
        }

        private ConditionNode ParseNot()
        {
            int start = _pos;
            bool negate = false;
            while (TryKeyword("not"))
            {
                // `not not x` is x, as in libsinsp.
                negate = !negate;
                SkipBlanks();
            }
            ConditionNode operand = ParseCheck();
            return negate ? new NotNode(operand, PositionAt(start)) : operand;
        }

        private ConditionNode ParseCheck()
        {
            int start = _pos;
            if (Peek() == '(')
            {
                Enter();
                _pos++;
                _lastToken = "(";
                SkipBlanks();
                ConditionNode inner = ParseOr();
                SkipBlanks();
                Expect(')');
                Leave();
                return inner;
            }
            ExpressionNode lhs;
            // On the left, 'val' is no transformer: 'val(x)' reads as the macro 'val' followed by garbage, as in libsinsp.
            if (TryTransformer(out TransformerNode? transformer, allowVal: false))
            {
                lhs = transformer;
            }
            else if (TryFieldName(out string? fieldName))
            {
                lhs = new FieldRefNode(fieldName, ParseOptionalFieldArgument(), PositionAt(start));
            }
            else if (TryIdentifier(out string? identifier))
            {
                return new MacroRefNode(identifier, PositionAt(start));
            }
            else
            {
                throw Error("expected a field, a macro, 'not' or '('");
            }
            return ParseCondition(lhs, start);
        }

        private ConditionNode ParseCondition(ExpressionNode lhs, int start)
        {
            SkipBlanks();
            if (Matches("exists"))
            {
                _pos += "exists".Length;
                _lastToken = "exists";
                return new UnaryCheckNode(lhs, PositionAt(start));
            }
            foreach ((string text, ComparisonOperator op) in s_symbolOperators)
            {
                if (Matches(text))
                {
                    _pos += text.Length;
                    _lastToken = text;
                    ExpressionNode rhs;
                    ListModifier modifier = ListModifier.None;
                    if (IsNumericOperator(op))
                    {
                        rhs = ParseNumericValue();
                    }
                    else
                    {
                        rhs = ParseStringOperand(out modifier);
                    }
                    return new BinaryCheckNode(lhs, op, text, modifier, rhs, PositionAt(start));
                }
            }
            foreach ((string text, ComparisonOperator op) in s_wordOperators)
            {
                if (Matches(text) && IsBlank(PeekAt(_pos + text.Length)))
                {
                    _pos += text.Length;
                    _lastToken = text;
                    ListModifier modifier = ListModifier.None;
                    ExpressionNode rhs = IsListOperator(op) ? ParseListOperand() : ParseStringOperand(out modifier);
                    return new BinaryCheckNode(lhs, op, text, modifier, rhs, PositionAt(start));
                }
            }
            throw Error("expected a valid operator");
        }

        private ExpressionNode ParseNumericValue()
        {
            SkipBlanks();
            if (TryTransformer(out TransformerNode? transformer))
            {
                return transformer;
            }
            int start = _pos;
            if (TryNumber(out string? number))
            {
                return new ValueNode(number, false, PositionAt(start));
            }
            throw Error("expected a number value or a field with a valid transformer: 'val', 'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt'");
        }

        private ExpressionNode ParseStringOperand(out ListModifier modifier)
        {
            modifier = ListModifier.None;
            bool hadBlank = SkipBlanks();
            if (hadBlank && TryModifier(out modifier))
            {
                return ParseListValueOrName();
            }
            if (TryTransformer(out TransformerNode? transformer))
            {
                return transformer;
            }
            int start = _pos;
            if (TryStringValue(out string? value, out bool quoted))
            {
                return new ValueNode(value, quoted, PositionAt(start));
            }
            throw Error(ExpectedStringValue);
        }

        private ExpressionNode ParseListOperand()
        {
            SkipBlanks();
            if (TryTransformer(out TransformerNode? transformer))
            {
                return transformer;
            }
            return ParseListValueOrName();
        }

        /// <summary><c>ListValue := '(' [StrValue (',' StrValue)*] ')' | Identifier</c>.</summary>
        private ExpressionNode ParseListValueOrName()
        {
            int start = _pos;
            if (Peek() == '(')
            {
                _pos++;
                _lastToken = "(";
                var items = new List<ExpressionNode>();
                SkipBlanks();
                if (Peek() == ')')
                {
                    _pos++;
                    _lastToken = ")";
                    return new ListValueNode(items, PositionAt(start));
                }
                while (true)
                {
                    SkipBlanks();
                    int itemStart = _pos;
                    if (!TryStringValue(out string? value, out bool quoted))
                    {
                        throw Error("expected a string value");
                    }
                    items.Add(new ValueNode(value, quoted, PositionAt(itemStart)));
                    SkipBlanks();
                    if (Peek() == ',')
                    {
                        _pos++;
                        _lastToken = ",";
                        continue;
                    }
                    if (Peek() == ')')
                    {
                        _pos++;
                        _lastToken = ")";
                        return new ListValueNode(items, PositionAt(start));
                    }
                    throw Error("expected a ')' token");
                }
            }
            if (TryIdentifier(out string? name))
            {
                return new ValueNode(name, false, PositionAt(start));
            }
            throw Error("expected a list value");
        }

        private bool TryModifier(out ListModifier modifier)
        {
            int save = _pos;
            modifier = ListModifier.None;
            foreach ((string word, ListModifier value) in (ReadOnlySpan<(string, ListModifier)>)
                [("oneof", ListModifier.OneOf), ("anyof", ListModifier.AnyOf), ("allof", ListModifier.AllOf)])
            {
                if (Matches(word))
                {
                    _pos += word.Length;
                    if (SkipBlanks())
                    {
                        if (Peek() == '(')
                        {
                            modifier = value;
                            _lastToken = word;
                            return true;
                        }
                        int identifierStart = _pos;
                        if (TryIdentifier(out string? identifier) && identifier is not ("and" or "or" or "not"))
                        {
                            _pos = identifierStart;
                            modifier = value;
                            _lastToken = word;
                            return true;
                        }
                    }
                    break;
                }
            }
            _pos = save;
            return false;
        }

        /// <summary>A transformer call (name directly followed by '('); restores the position when there is none.</summary>
        private bool TryTransformer([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TransformerNode? transformer, bool allowVal = true)
        {
            transformer = null;
            int start = _pos;
            if (!TryIdentifier(out string? name) || Peek() != '(' || !TransformerNames.Contains(name) || (!allowVal && name == "val"))
            {
                _pos = start;
                return false;
            }
            Enter();
            _pos++;
            _lastToken = "(";
            var arguments = new List<ExpressionNode>();
            SkipBlanks();
            if (name == "val")
            {
                int fieldStart = _pos;
                if (!TryFieldName(out string? fieldName))
                {
                    throw Error("expected a field within 'val' transformer");
                }
                arguments.Add(new FieldRefNode(fieldName, ParseOptionalFieldArgument(), PositionAt(fieldStart)));
                SkipBlanks();
                Expect(')');
                Leave();
                transformer = new TransformerNode(name, arguments, null, PositionAt(start));
                return true;
            }
            ParseTransformerArguments(arguments, allowList: true);
            Expect(')');
            Leave();
            string? argument = Peek() == '[' ? ParseOptionalFieldArgument() : null;
            transformer = new TransformerNode(name, arguments, argument, PositionAt(start));
            return true;
        }

        /// <summary>Reads one or more comma-separated transformer arguments, stopping before the closing bracket.</summary>
        private void ParseTransformerArguments(List<ExpressionNode> into, bool allowList)
        {
            while (true)
            {
                into.Add(ParseTransformerArgument(allowList));
                SkipBlanks();
                if (Peek() != ',')
                {
                    return;
                }
                _pos++;
                _lastToken = ",";
                SkipBlanks();
            }
        }

        private ExpressionNode ParseTransformerArgument(bool allowList)
        {
            int start = _pos;
            if (allowList && Peek() == '(')
            {
                _pos++;
                _lastToken = "(";
                var items = new List<ExpressionNode>();
                SkipBlanks();
                if (Peek() != ')')
                {
                    ParseTransformerArguments(items, allowList: false);
                }
                Expect(')');
                return new ListValueNode(items, PositionAt(start));
            }
            if (TryTransformer(out TransformerNode? nested, allowVal: false))
            {
                return nested;
            }
            if (TryFieldName(out string? fieldName))
            {
                return new FieldRefNode(fieldName, ParseOptionalFieldArgument(), PositionAt(start));
            }
            char c = Peek();
            if (c is '"' or '\'')
            {
                return new ValueNode(LexQuoted(), true, PositionAt(start));
            }
            if (TryNumber(out string? number))
            {
                return new ValueNode(number, false, PositionAt(start));
            }
            throw Error("expected field transformer argument: field, transformer, quoted string, number, or transformer list");
        }

        /// <summary><c>'[' (QuotedStr | FieldArgBare) ']'</c> or nothing.</summary>
        private string? ParseOptionalFieldArgument()
        {
            if (Peek() != '[')
            {
                return null;
            }
            _pos++;
            string argument;
            char c = Peek();
            if (c is '"' or '\'')
            {
                argument = LexQuoted();
            }
            else
            {
                int start = _pos;
                while (_pos < _text.Length && _text[_pos] is not ('[' or ']' or '"' or '\'') && !char.IsWhiteSpace(_text[_pos]))
                {
                    _pos++;
                }
                if (_pos == start)
                {
                    throw Error("expected a field argument");
                }
                argument = _text[start.._pos];
            }
            Expect(']');
            return argument;
        }

        private bool TryStringValue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value, out bool quoted)
        {
            char c = Peek();
            if (c is '"' or '\'')
            {
                value = LexQuoted();
                quoted = true;
                return true;
            }
            quoted = false;
            int start = _pos;
            while (_pos < _text.Length && !IsBareTerminator(_text[_pos]))
            {
                _pos++;
            }
            if (_pos == start)
            {
                value = null;
                return false;
            }
            value = _text[start.._pos];
            _lastToken = value;
            return true;
        }

        private static bool IsBareTerminator(char c) =>
            c is '(' or ')' or '"' or '\'' or '=' or ',' || char.IsWhiteSpace(c);

        /// <summary><c>HexNumber | [+-]?[0-9]+[.]?[0-9]*([eE][+-][0-9]+)?</c>.</summary>
        private bool TryNumber([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? number)
        {
            int start = _pos;
            int i = _pos;
            if (PeekAt(i) == '0' && PeekAt(i + 1) is 'x' or 'X' && IsHex(PeekAt(i + 2)))
            {
                i += 2;
                while (IsHex(PeekAt(i)))
                {
                    i++;
                }
            }
            else
            {
                if (PeekAt(i) is '+' or '-')
                {
                    i++;
                }
                if (!char.IsAsciiDigit(PeekAt(i)))
                {
                    number = null;
                    return false;
                }
                while (char.IsAsciiDigit(PeekAt(i)))
                {
                    i++;
                }
                if (PeekAt(i) == '.')
                {
                    i++;
                    while (char.IsAsciiDigit(PeekAt(i)))
                    {
                        i++;
                    }
                }
                if (PeekAt(i) is 'e' or 'E' && PeekAt(i + 1) is '+' or '-' && char.IsAsciiDigit(PeekAt(i + 2)))
                {
                    i += 2;
                    while (char.IsAsciiDigit(PeekAt(i)))
                    {
                        i++;
                    }
                }
            }
            number = _text[start..i];
            _pos = i;
            _lastToken = number;
            return true;
        }

        private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

        public TransformerNode ReadTransformerAt(int start, out int end, bool allowVal)
        {
            _pos = start;
            if (!TryTransformer(out TransformerNode? transformer, allowVal))
            {
                throw Error("expected a transformer call");
            }
            end = _pos;
            return transformer;
        }

        /// <summary>Lexes a quoted string at the start of the text; <paramref name="end"/> is where it stopped.</summary>
        public string ReadQuotedAtStart(out int end)
        {
            string value = LexQuoted();
            end = _pos;
            return value;
        }

        private const string ExpectedStringValue =
            "expected a string value or a field with a valid transformer: 'val', 'tolower', 'toupper', 'b64', 'basename', 'len', 'join', 'concat', 'getopt'";

        /// <summary>
        /// libsinsp first finds the closing quote, a backslash before the quote character hiding it (so <c>'a\\'</c> is
        /// unterminated) and a NUL ending the text, then unescapes what is between.
        /// </summary>
        private string LexQuoted()
        {
            int start = _pos;
            char quote = _text[_pos];
            int i = _pos + 1;
            while (true)
            {
                if (i >= _text.Length || _text[i] == '\0')
                {
                    throw Error(ExpectedStringValue, start);
                }
                if (_text[i] == '\\' && i + 1 < _text.Length && _text[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }
                if (_text[i] == quote)
                {
                    break;
                }
                i++;
            }
            string value = Unescape(_text.AsSpan(start + 1, i - start - 1), quote, start + 1);
            _pos = i + 1;
            _lastToken = _text[start.._pos];
            return value;
        }

        private string Unescape(ReadOnlySpan<char> body, char quote, int offset)
        {
            var builder = new StringBuilder(body.Length);
            for (int i = 0; i < body.Length; i++)
            {
                char c = body[i];
                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }
                char next = i + 1 < body.Length ? body[i + 1] : '\0';
                switch (next)
                {
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case '\\': builder.Append('\\'); break;
                    case '/': builder.Append('/'); break;
                    // Legacy: a backslash before a space stands for the backslash itself.
                    case ' ': builder.Append('\\'); break;
                    case '"' or '\'' when next == quote: builder.Append(next); break;
                    case '"' or '\'':
                        throw Error($"invalid \\{next} escape in {quote}-quoted string", offset + i);
                    default:
                        throw Error($"unsupported string escape sequence: \\{next}", offset + i);
                }
                i++;
            }
            return builder.ToString();
        }

        private bool TryFieldName([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? name)
        {
            int start = _pos;
            int i = ScanIdentifier(_pos);
            if (i == _pos)
            {
                name = null;
                return false;
            }
            int segments = 0;
            while (PeekAt(i) == '.')
            {
                int end = ScanIdentifier(i + 1);
                if (end == i + 1)
                {
                    break;
                }
                i = end;
                segments++;
            }
            if (segments == 0)
            {
                name = null;
                return false;
            }
            name = _text[start..i];
            _pos = i;
            _lastToken = name;
            return true;
        }

        private bool TryIdentifier([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? identifier)
        {
            int end = ScanIdentifier(_pos);
            if (end == _pos)
            {
                identifier = null;
                return false;
            }
            identifier = _text[_pos..end];
            _pos = end;
            _lastToken = identifier;
            return true;
        }

        /// <summary><c>[a-zA-Z]+[a-zA-Z0-9_]*</c> from <paramref name="from"/>; returns the end (== from when none).</summary>
        private int ScanIdentifier(int from)
        {
            int i = from;
            if (!char.IsAsciiLetter(PeekAt(i)))
            {
                return from;
            }
            while (char.IsAsciiLetterOrDigit(PeekAt(i)) || PeekAt(i) == '_')
            {
                i++;
            }
            return i;
        }

        /// <summary>A boolean keyword counts only when a blank or '(' follows (so <c>notb</c> is a macro name).</summary>
        private bool TryKeyword(string keyword)
        {
            if (!Matches(keyword))
            {
                return false;
            }
            char after = PeekAt(_pos + keyword.Length);
            if (!IsBlank(after) && after != '(')
            {
                return false;
            }
            _pos += keyword.Length;
            _lastToken = keyword;
            return true;
        }

        private bool Matches(string text) => _pos + text.Length <= _text.Length && string.CompareOrdinal(_text, _pos, text, 0, text.Length) == 0;

        private char Peek() => PeekAt(_pos);

        private char PeekAt(int index) => index < _text.Length ? _text[index] : '\0';

        private static bool IsBlank(char c) => c is ' ' or '\t' or '\b' or '\r' or '\n';

        private bool SkipBlanks()
        {
            int start = _pos;
            while (_pos < _text.Length && IsBlank(_text[_pos]))
            {
                _pos++;
            }
            return _pos > start;
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error($"expected '{c}'");
            }
            _pos++;
            _lastToken = c.ToString();
        }

        private void Enter()
        {
            if (++_depth > _maxDepth)
            {
                throw Error($"exceeded max depth limit of {_maxDepth}");
            }
        }

        private void Leave() => _depth--;

        private SourcePosition PositionAt(int offset)
        {
            int line = _lineStarts.BinarySearch(offset);
            if (line < 0)
            {
                line = ~line - 1;
            }
            return new SourcePosition(offset, line + 1, offset - _lineStarts[line] + 1);
        }

        private ConditionSyntaxError Error(string message) => Error(message, _pos);

        private ConditionSyntaxError Error(string message, int offset) => new(message, PositionAt(Math.Min(offset, _text.Length)));
    }
}
