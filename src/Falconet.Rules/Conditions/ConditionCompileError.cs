namespace Falconet.Rules.Conditions;

/// <summary>A condition that does not type-check against the fields (unknown field, bad operator or value).</summary>
public sealed class ConditionCompileError : Exception
{
    /// <summary>An invalid operator, value or type combination at <paramref name="position"/>.</summary>
    public ConditionCompileError(string message, SourcePosition position)
        : this(message, position, ConditionCompileErrorKind.Invalid, null)
    {
    }

    /// <summary>An error of a kind callers treat specially, with the name it is about.</summary>
    public ConditionCompileError(string message, SourcePosition position, ConditionCompileErrorKind kind, string? subject)
        : base(message)
    {
        Position = position;
        Kind = kind;
        Subject = subject;
    }

    /// <summary>Where in the condition text the problem is.</summary>
    public SourcePosition Position { get; }

    /// <summary>What kind of problem it is.</summary>
    public ConditionCompileErrorKind Kind { get; }

    /// <summary>The unknown field, event type or macro name, for the kinds that have one.</summary>
    public string? Subject { get; }

    /// <summary>The message prefixed with <c>line:column</c>.</summary>
    public string Describe() => $"{Position.Line}:{Position.Column}: {Message}";
}
