namespace Falconet.Rules.Conditions;

/// <summary>
/// A bare identifier in condition position: a reference to a macro. The loader replaces it with the
/// macro's AST (<see cref="ConditionRewriter.SubstituteMacros"/>); compiling an unresolved reference is an error.
/// </summary>
public sealed record MacroRefNode(string Name, SourcePosition Position) : ConditionNode(Position);
