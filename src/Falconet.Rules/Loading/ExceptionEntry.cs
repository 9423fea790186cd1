namespace Falconet.Rules.Loading;

/// <summary>
/// A value of an exception's <c>fields</c>, <c>comps</c> or <c>values</c>: a scalar, or a list of entries
/// (values may nest one level: a value tuple whose slot is itself a list).
/// </summary>
public sealed class ExceptionEntry
{
    /// <summary>Whether the YAML had a usable shape (a scalar or a list).</summary>
    public bool IsValid { get; init; }
    /// <summary>Whether the entry is a list of items.</summary>
    public bool IsList { get; init; }
    /// <summary>The scalar value when the entry is not a list.</summary>
    public string Item { get; init; } = "";
    /// <summary>The items when the entry is a list.</summary>
    public List<ExceptionEntry> Items { get; init; } = [];

    /// <summary>An entry holding one value.</summary>
    public static ExceptionEntry Scalar(string item) => new() { IsValid = true, Item = item };
}
