namespace Falconet.Rules.Conditions;

/// <summary>A non-fatal finding (Falco's <c>LOAD_COMPILE_CONDITION</c> warnings).</summary>
public sealed record ConditionWarning(string Message, SourcePosition Position);
