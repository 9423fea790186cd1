using Falconet.Fields.Caching;

namespace Falconet.Fields;

/// <summary>
/// <c>key=value</c> entries held by the state (environment variables, cgroups): the value of one key, as a string
/// kept beside its entry so a lookup does not cut a new substring per event.
/// </summary>
internal static class KeyValueEntries
{
    /// <summary>
    /// A table of values cut from entries, for one compiled field reference: a static table would let every engine
    /// (and every test) in the process grow, and pay for compacting, the one table.
    /// </summary>
    public static DerivedText<string> NewValueTable() => new(static entry => entry[(entry.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    /// <summary>The value of the first entry named <paramref name="key"/>, kept in <paramref name="values"/>; null when none is.</summary>
    public static string? Find(string[] entries, string key, DerivedText<string> values)
    {
        foreach (string entry in entries)
        {
            if (entry.Length > key.Length && entry[key.Length] == '=' && entry.StartsWith(key, StringComparison.Ordinal))
            {
                // A key holding '=' (never a real variable or subsystem) cuts after itself, not after the first '='.
                return key.Contains('=', StringComparison.Ordinal) ? entry[(key.Length + 1)..] : values.Get(entry);
            }
        }
        return null;
    }
}
