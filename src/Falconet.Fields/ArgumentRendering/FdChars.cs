namespace Falconet.Fields.ArgumentRendering;

/// <summary>The names and one-character codes libsinsp prints for fd kinds, and the codes of layer-4 protocols.</summary>
public static class FdChars
{
    // Indexed by FdKind: the fd.typechar character, and the fd.type name ("-" for the kinds fd.type does not name:
    // unknown and unsupported fds). Checked against the enum when the class loads.
    private const string Chars = "ofd4646pueXslitnburmP";
    private const string Names = "- file directory ipv4 ipv6 ipv4 ipv6 pipe unix event - signalfd eventpoll inotify timerfd netlink bpf userfaultfd io_uring memfd pidfd";

    private static readonly string?[] s_names = [.. Names.Split(' ').Select(n => n == "-" ? null : n)];
    private static readonly char[] s_chars = Checked(Chars.ToCharArray());

    // The characters as strings too, so fd.typechar never allocates.
    private static readonly string[] s_charTexts = [.. s_chars.Select(c => c.ToString())];

    /// <summary>The <c>fd.typechar</c> character of <paramref name="kind"/>; '?' for a kind outside the table.</summary>
    public static char TypeChar(FdKind kind) => (uint)kind < (uint)s_chars.Length ? s_chars[(int)kind] : '?';

    /// <summary>The <c>fd.typechar</c> text of <paramref name="kind"/>; "o" for a kind outside the table.</summary>
    public static string TypeCharText(FdKind kind) => (uint)kind < (uint)s_charTexts.Length ? s_charTexts[(int)kind] : "o";

    /// <summary>The <c>fd.type</c> name of <paramref name="kind"/>; null for unknown and unsupported fds.</summary>
    public static string? TypeName(FdKind kind) => (uint)kind < (uint)s_names.Length ? s_names[(int)kind] : null;

    /// <summary>The protocol character inside <c>&lt;4t&gt;</c> (t, u, i, r), or '\0' for none (SCAP_L4_* numbering).</summary>
    public static char L4Char(byte l4Proto) => l4Proto switch
    {
        2 => 't',
        3 => 'u',
        4 => 'i',
        5 => 'r',
        _ => '\0',
    };

    private static char[] Checked(char[] chars)
    {
        int kinds = Enum.GetValues<FdKind>().Length;
        if (chars.Length != kinds || s_names.Length != kinds)
        {
            throw new InvalidOperationException($"the fd kind tables have {chars.Length} characters and {s_names.Length} names for {kinds} kinds");
        }
        return chars;
    }
}
