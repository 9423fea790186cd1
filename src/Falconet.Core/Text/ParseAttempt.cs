namespace Falconet.Core.Text;

/// <summary>
/// The Try form of a parser that throws: the condition and output-format parsers report errors as exceptions
/// that carry the position, and their TryParse methods hand that exception back instead.
/// </summary>
public static class ParseAttempt
{
    /// <summary>Runs <paramref name="parse"/>; a <typeparamref name="TError"/> becomes false and the error, any other exception propagates.</summary>
    /// <typeparam name="T">What the parser returns.</typeparam>
    /// <typeparam name="TError">The parser's syntax error.</typeparam>
    public static bool Run<T, TError>(Func<T> parse, out T? result, out TError? error)
        where T : class
        where TError : Exception
    {
        ArgumentNullException.ThrowIfNull(parse);
        try
        {
            result = parse();
            error = null;
            return true;
        }
        catch (TError e)
        {
            result = null;
            error = e;
            return false;
        }
    }
}
