namespace Falconet.Rules.Conditions;

/// <summary>
/// A field reference as written: <see cref="Name"/> is the dotted name (<c>proc.name</c>, <c>evt.arg.fd</c>:
/// dotted arguments stay in the name and are split off at compile time by longest registered prefix);
/// <see cref="Argument"/> is the unescaped text inside <c>[...]</c>, or null when there are no brackets.
/// </summary>
public sealed record FieldRefNode(string Name, string? Argument, SourcePosition Position) : ExpressionNode(Position);
