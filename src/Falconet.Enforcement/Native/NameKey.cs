namespace Falconet.Enforcement.Native;

/// <summary>
/// The names-map key of a domain suffix, as enforce.bpf.c computes it on a DNS question: FNV-1a (64 bit) over the
/// suffix's text from its last character to its first, lower case. Hashing backwards lets the kernel look up every
/// label suffix of a name in one pass.
/// </summary>
internal static class NameKey
{
    private const ulong Offset = 0xcbf29ce484222325;
    private const ulong Prime = 0x100000001b3;

    /// <summary>The key of <paramref name="suffix"/> (a name without trailing dot; compared case-insensitively, ASCII).</summary>
    public static ulong Of(string suffix)
    {
        ulong hash = Offset;
        for (int i = suffix.Length - 1; i >= 0; i--)
        {
            char c = suffix[i];
            if (c is >= 'A' and <= 'Z')
            {
                c = (char)(c + ('a' - 'A'));
            }
            hash = (hash ^ (byte)c) * Prime;
        }
        return hash;
    }
}
