namespace Falconet.Rules.Loading;

/// <summary>
/// A value of an exception's <c>fields</c>, <c>comps</c> or <c>values</c>: a scalar, or a list of entries
/// (values may nest one level: a value tuple whose slot is itself a list).
/// </summary>
public sealed class ExceptionEntry
{
    public bool IsValid { get; init; }
    public bool IsList { get; init; }
    public string Item { get; init; } = "";
    public List<ExceptionEntry> Items { get; init; } = [];

    public static ExceptionEntry Scalar(string item) => new() { IsValid = true, Item = item };
}
