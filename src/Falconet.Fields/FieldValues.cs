namespace Falconet.Fields;

/// <summary>
/// The one set of value setters every field class uses: each stores a present value and returns true, or returns
/// false (no value) for null, so an extraction reads as <c>Str(thread?.Comm, ref v)</c>.
/// </summary>
internal static class FieldValues
{
    public static bool Str(string? s, ref FieldValue value)
    {
        if (s is null)
        {
            return false;
        }
        value.String = s;
        return true;
    }

    public static bool Int(long? n, ref FieldValue value)
    {
        if (n is null)
        {
            return false;
        }
        value.Int = n.Value;
        return true;
    }

    public static bool Bool(bool? b, ref FieldValue value)
    {
        if (b is null)
        {
            return false;
        }
        value.Int = b.Value ? 1 : 0;
        return true;
    }
}
