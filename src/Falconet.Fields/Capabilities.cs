using System.Collections.Concurrent;
using System.Text;

namespace Falconet.Fields;

/// <summary>Linux capability sets as text (<c>thread.cap_*</c>): the CAP_* names of the set bits, space separated.</summary>
internal static class Capabilities
{
    // Processes share a handful of capability sets, so each set's text is built once. The bound only guards
    // against a pathological stream of distinct sets; past it the text is built per call as before.
    private const int MaxCachedSets = 1024;

    private static readonly ConcurrentDictionary<ulong, string> s_texts = new();

    private static readonly string[] s_names =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    public static string Format(ulong set)
    {
        if (set == 0)
        {
            return "";
        }
        if (s_texts.TryGetValue(set, out string? known))
        {
            return known;
        }
        string text = Build(set);
        if (s_texts.Count < MaxCachedSets)
        {
            s_texts.TryAdd(set, text);
        }
        return text;
    }

    private static string Build(ulong set)
    {
        var names = new StringBuilder();
        for (int bit = 0; bit < s_names.Length; bit++)
        {
            if ((set & (1UL << bit)) != 0)
            {
                if (names.Length > 0)
                {
                    names.Append(' ');
                }
                names.Append(s_names[bit]);
            }
        }
        return names.ToString();
    }
}
