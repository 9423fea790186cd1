namespace Falconet.Rules.Conditions;

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
