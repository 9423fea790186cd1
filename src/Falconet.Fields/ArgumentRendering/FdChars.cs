using Falconet.State;

namespace Falconet.Fields.ArgumentRendering;

/// <summary>The names and one-character codes libsinsp prints for fd kinds, and the codes of layer-4 protocols.</summary>
public static class FdChars
{
    // One row per kind: the fd.type name (null for kinds fd.type does not name) and the fd.typechar character.
    private static readonly (FdKind Kind, string? Name, char Char)[] s_kinds =
    [
        (FdKind.Unknown, null, 'o'),
        (FdKind.File, "file", 'f'),
        (FdKind.Directory, "directory", 'd'),
        (FdKind.Ipv4Socket, "ipv4", '4'),
        (FdKind.Ipv6Socket, "ipv6", '6'),
        (FdKind.Ipv4ServerSocket, "ipv4", '4'),
        (FdKind.Ipv6ServerSocket, "ipv6", '6'),
        (FdKind.Fifo, "pipe", 'p'),
        (FdKind.Unix, "unix", 'u'),
        (FdKind.Event, "event", 'e'),
        (FdKind.Unsupported, null, 'X'),
        (FdKind.SignalFd, "signalfd", 's'),
        (FdKind.EventPoll, "eventpoll", 'l'),
        (FdKind.Inotify, "inotify", 'i'),
        (FdKind.TimerFd, "timerfd", 't'),
        (FdKind.Netlink, "netlink", 'n'),
        (FdKind.Bpf, "bpf", 'b'),
        (FdKind.UserFaultFd, "userfaultfd", 'u'),
        (FdKind.IoUring, "io_uring", 'r'),
        (FdKind.Memfd, "memfd", 'm'),
        (FdKind.PidFd, "pidfd", 'P'),
    ];

    private static readonly string?[] s_names = ByKind(row => row.Name);
    private static readonly char[] s_chars = ByKind(row => row.Char);

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

    private static T[] ByKind<T>(Func<(FdKind Kind, string? Name, char Char), T> select)
    {
        var values = new T[s_kinds.Length];
        foreach (var row in s_kinds)
        {
            values[(int)row.Kind] = select(row);
        }
        return values;
    }
}
