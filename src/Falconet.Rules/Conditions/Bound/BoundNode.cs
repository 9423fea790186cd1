namespace Falconet.Rules.Conditions;

/// <summary>A type-checked condition tree, input of both the interpreter and the compiler to evaluators.</summary>
internal abstract class BoundNode;
