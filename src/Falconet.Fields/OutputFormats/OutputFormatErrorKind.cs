namespace Falconet.Fields.OutputFormats;

/// <summary>What kind of problem an <see cref="OutputFormatException"/> is (the rules loader reports some in Falco's words).</summary>
public enum OutputFormatErrorKind
{
    /// <summary>Malformed token, bad or missing argument, unsupported construct.</summary>
    Invalid,

    /// <summary>No registered field; <see cref="OutputFormatException.Subject"/> is the token as written.</summary>
    UnknownField,
}
