using Falconet.Fields.Caching;

namespace Falconet.Fields;

/// <summary>
/// <c>key=value</c> entries held by the state (environment variables, cgroups): the value of one key, as a string
/// kept beside its entry so a lookup does not cut a new substring per event.
/// </summary>
internal static class KeyValueEntries
{
    private static readonly DerivedText<string> s_values = new(entry => entry[(entry.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    /// <summary>The value of the first entry named <paramref name="key"/>; null when none is.</summary>
    public static string? Find(string[] entries, string key)
    {
        foreach (string entry in entries)
        {
            if (entry.Length > key.Length && entry[key.Length] == '=' && entry.StartsWith(key, StringComparison.Ordinal))
            {
                // A key holding '=' (never a real variable or subsystem) cuts after itself, not after the first '='.
                return key.Contains('=', StringComparison.Ordinal) ? entry[(key.Length + 1)..] : s_values.Get(entry);
            }
        }
        return null;
    }
}
