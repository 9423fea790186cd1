namespace Falconet.Fields;

/// <summary>The argument checks several field classes share, with the same wording for the user.</summary>
internal static class FieldArguments
{
    /// <summary>The numeric index of an optional argument, -1 without one; a non-numeric one is an error naming <paramref name="what"/>.</summary>
    public static int OptionalIndex(string field, FieldArgument? argument, string what)
    {
        if (argument is null)
        {
            return -1;
        }
        if (!argument.IsIndex)
        {
            throw new FieldArgumentException($"{field} takes a numeric {what}, not '{argument.Text}'");
        }
        return argument.Index;
    }

    /// <summary>The argument's text; an error saying <paramref name="message"/> when there is none.</summary>
    public static string Required(FieldArgument? argument, string message) =>
        argument?.Text ?? throw new FieldArgumentException(message);
}
