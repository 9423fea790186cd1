namespace Falconet.Rules.Conditions;

/// <summary>
/// A condition that does not parse. <see cref="Exception.Message"/> is libsinsp's message text
/// (e.g. <c>unexpected token after 'a', expecting 'or', 'and'</c>) without position;
/// <see cref="Position"/> is where in the condition text the parser stopped.
/// </summary>
public sealed class ConditionSyntaxError : Exception
{
    /// <summary>A syntax error at <paramref name="position"/>.</summary>
    public ConditionSyntaxError(string message, SourcePosition position)
        : base(message)
    {
        Position = position;
    }

    /// <summary>Where in the condition text parsing stopped.</summary>
    public SourcePosition Position { get; }

    /// <summary>Message with position, e.g. <c>1:7: expected a value</c>.</summary>
    public string Describe() => $"{Position.Line}:{Position.Column}: {Message}";
}
