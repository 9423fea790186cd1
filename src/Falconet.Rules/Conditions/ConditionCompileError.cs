namespace Falconet.Rules.Conditions;

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
