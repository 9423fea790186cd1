namespace Falconet.Fields.OutputFormats;

/// <summary>A format string that cannot be compiled; <see cref="Offset"/> is the 0-based character position of the problem.</summary>
public sealed class OutputFormatException(string message, int offset, OutputFormatErrorKind kind = OutputFormatErrorKind.Invalid, string? subject = null)
    : Exception(message)
{
    /// <summary>The 0-based character position of the problem in the format string.</summary>
    public int Offset { get; } = offset;

    /// <summary>What kind of problem it is.</summary>
    public OutputFormatErrorKind Kind { get; } = kind;

    /// <summary>The unknown token or filter-only field name, for the kinds that have one.</summary>
    public string? Subject { get; } = subject;
}
