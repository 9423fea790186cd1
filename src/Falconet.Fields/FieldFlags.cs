namespace Falconet.Fields;

/// <summary>Field flags as in Falco's field tables.</summary>
[Flags]
public enum FieldFlags : byte
{
    /// <summary>No flag: usable everywhere.</summary>
    None = 0,

    /// <summary>Only usable in conditions, not in outputs (<c>fd.ip</c>, <c>fd.net</c> …).</summary>
    FilterOnly = 1,

    /// <summary>Cannot be used as the right-hand side of a field-to-field comparison.</summary>
    NoRhs = 2,

    /// <summary>Transformers cannot be applied.</summary>
    NoTransformer = 4,

    /// <summary>Extracts several values (<c>fd.types</c>, <c>proc.aname</c> without index in some contexts).</summary>
    IsList = 8,

    /// <summary>Deprecated; still accepted.</summary>
    Deprecated = 16,

    /// <summary>Argument given as <c>field[arg]</c> only, not <c>field.arg</c>.</summary>
    ArgIndexOnly = 32,

    /// <summary>Argument given as <c>field.arg</c> (e.g. <c>evt.arg.fd</c>) as well as <c>field[arg]</c>.</summary>
    ArgDotted = 64,
}
