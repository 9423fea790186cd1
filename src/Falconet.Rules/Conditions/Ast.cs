namespace Falconet.Rules.Conditions;

/// <summary>
/// Where a node starts in the condition text: <see cref="Offset"/> is 0-based (UTF-16 index),
/// <see cref="Line"/> and <see cref="Column"/> are 1-based, as in libsinsp's <c>pos_info</c>.
/// </summary>
public readonly record struct SourcePosition(int Offset, int Line, int Column)
{
    public static SourcePosition Start { get; } = new(0, 1, 1);

    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>
/// The comparison operators of Falco's condition language. The text as written is kept on the
/// node (<see cref="BinaryCheckNode.OperatorText"/>) because the canonical printer echoes it.
/// </summary>
public enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Contains,
    IContains,
    BContains,
    StartsWith,
    BStartsWith,
    EndsWith,
    Glob,
    IGlob,
    Regex,
    In,
    Intersects,
    PMatch,
}

/// <summary>The list modifiers <c>oneof</c>, <c>anyof</c>, <c>allof</c> (string operators, and <c>==</c>/<c>!=</c> on IPs).</summary>
public enum ListModifier
{
    None,
    OneOf,
    AnyOf,
    AllOf,
}

/// <summary>
/// A node of a parsed condition. Boolean structure: <see cref="AndNode"/>, <see cref="OrNode"/>,
/// <see cref="NotNode"/>, <see cref="MacroRefNode"/>; leaves: <see cref="BinaryCheckNode"/> and
/// <see cref="UnaryCheckNode"/> (<c>exists</c>). The nodes are immutable records: match on them
/// with <c>switch</c> patterns, or derive from <see cref="ConditionRewriter"/> to rebuild a tree.
/// </summary>
public abstract record ConditionNode(SourcePosition Position)
{
    /// <summary>The canonical form (falco-reference §2.8), as Falco's describe output prints it.</summary>
    public sealed override string ToString() => ConditionPrinter.Print(this);
}

/// <summary><c>a and b and c</c>: n-ary, flattened; always at least two children when produced by the parser.</summary>
public sealed record AndNode(IReadOnlyList<ConditionNode> Children, SourcePosition Position) : ConditionNode(Position);

/// <summary><c>a or b or c</c>: n-ary, flattened; always at least two children when produced by the parser.</summary>
public sealed record OrNode(IReadOnlyList<ConditionNode> Children, SourcePosition Position) : ConditionNode(Position);

/// <summary><c>not x</c>. The parser folds <c>not not x</c> into <c>x</c>, as libsinsp does.</summary>
public sealed record NotNode(ConditionNode Operand, SourcePosition Position) : ConditionNode(Position);

/// <summary>
/// A bare identifier in condition position: a reference to a macro. The loader replaces it with the
/// macro's AST (<see cref="ConditionRewriter.SubstituteMacros"/>); compiling an unresolved reference is an error.
/// </summary>
public sealed record MacroRefNode(string Name, SourcePosition Position) : ConditionNode(Position);

/// <summary><c>field exists</c>, the only unary check.</summary>
public sealed record UnaryCheckNode(ExpressionNode Field, SourcePosition Position) : ConditionNode(Position)
{
    public const string ExistsOperator = "exists";
}

/// <summary>
/// <c>LHS op RHS</c>. <see cref="Left"/> is a <see cref="FieldRefNode"/> or a <see cref="TransformerNode"/>;
/// <see cref="Right"/> is a <see cref="ValueNode"/>, a <see cref="ListValueNode"/>, or (field-to-field)
/// a <see cref="TransformerNode"/> (including <c>val(field)</c>).
/// </summary>
public sealed record BinaryCheckNode(
    ExpressionNode Left,
    ComparisonOperator Operator,
    string OperatorText,
    ListModifier Modifier,
    ExpressionNode Right,
    SourcePosition Position) : ConditionNode(Position);

/// <summary>An operand: a field, a transformer call, a literal value or a list of literal values.</summary>
public abstract record ExpressionNode(SourcePosition Position)
{
    public sealed override string ToString() => ConditionPrinter.PrintExpression(this);
}

/// <summary>
/// A field reference as written: <see cref="Name"/> is the dotted name (<c>proc.name</c>, <c>evt.arg.fd</c>:
/// dotted arguments stay in the name and are split off at compile time by longest registered prefix);
/// <see cref="Argument"/> is the unescaped text inside <c>[...]</c>, or null when there are no brackets.
/// </summary>
public sealed record FieldRefNode(string Name, string? Argument, SourcePosition Position) : ExpressionNode(Position);

/// <summary>
/// A transformer call such as <c>tolower(proc.name)</c>, <c>val(proc.pname)</c>, <c>join(",", (a.b, c.d))</c>.
/// Arguments are fields, transformers, values (quoted strings or numbers) or lists of those.
/// <see cref="Argument"/> is an optional trailing <c>[...]</c> (e.g. <c>getopt(...)[c]</c>).
/// </summary>
public sealed record TransformerNode(string Name, IReadOnlyList<ExpressionNode> Arguments, string? Argument, SourcePosition Position)
    : ExpressionNode(Position)
{
    /// <summary><c>val(field)</c>: the right-hand side of a field-to-field comparison.</summary>
    public bool IsVal => Name == "val";
}

/// <summary>
/// A literal value, already unescaped. <see cref="WasQuoted"/> tells whether it was written in quotes
/// (bare identifiers on the right of <c>in</c> are list names the loader may substitute).
/// </summary>
public sealed record ValueNode(string Value, bool WasQuoted, SourcePosition Position) : ExpressionNode(Position);

/// <summary>
/// A parenthesised list <c>(a, 'b', "c d")</c>; may be empty. Inside a transformer's arguments the
/// items may also be fields or transformers.
/// </summary>
public sealed record ListValueNode(IReadOnlyList<ExpressionNode> Items, SourcePosition Position) : ExpressionNode(Position);
