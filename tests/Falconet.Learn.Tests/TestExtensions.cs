namespace Falconet.Learn.Tests;

internal static class TestExtensions
{
    /// <summary>Runs <paramref name="action"/> on the value and returns it (set up a file inline).</summary>
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
