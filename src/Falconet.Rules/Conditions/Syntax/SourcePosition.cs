namespace Falconet.Rules.Conditions;

/// <summary>
/// Where a node starts in the condition text: <see cref="Offset"/> is 0-based (UTF-16 index),
/// <see cref="Line"/> and <see cref="Column"/> are 1-based, as in libsinsp's <c>pos_info</c>.
/// </summary>
public readonly record struct SourcePosition(int Offset, int Line, int Column)
{
    /// <summary>The first character of the text.</summary>
    public static SourcePosition Start { get; } = new(0, 1, 1);

    /// <summary><c>line:column</c>.</summary>
    public override string ToString() => $"{Line}:{Column}";
}
