namespace Falconet.Core.Text;

/// <summary>
/// The C-style two-character escapes for the common control characters, written the same way in alert text
/// and in printed conditions.
/// </summary>
public static class ShortEscapes
{
    /// <summary>The escape for a backspace, form feed, newline, carriage return or tab; null for any other character.</summary>
    public static string? Of(char c) => c switch
    {
        '\b' => "\\b",
        '\f' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => null,
    };
}
