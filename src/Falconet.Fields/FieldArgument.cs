using System.Globalization;

namespace Falconet.Fields;

/// <summary>A parsed field argument: the text inside <c>[...]</c> or after the dot.</summary>
/// <param name="Text">The argument as written, without brackets or quotes.</param>
public sealed record FieldArgument(string Text)
{
    /// <summary>True when the argument is a non-negative decimal number (an ancestor, fd or parameter index).</summary>
    public bool IsIndex => int.TryParse(Text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>The argument as a number; only meaningful when <see cref="IsIndex"/> is true.</summary>
    public int Index => int.Parse(Text, CultureInfo.InvariantCulture);
}
