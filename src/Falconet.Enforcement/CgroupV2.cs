using System.Globalization;
using System.Text;
using Falconet.Capture.Bpf.Interop;

namespace Falconet.Enforcement;

/// <summary>Finding the cgroup v2 hierarchy (unified, or a hybrid layout's <c>unified</c> mount) and cgroup ids.</summary>
public static class CgroupV2
{
    /// <summary>
    /// The mount point of the cgroup v2 hierarchy in <paramref name="mountinfo"/> (the text of
    /// <c>/proc/self/mountinfo</c>), or null when there is none. The first <c>cgroup2</c> mount wins.
    /// </summary>
    public static string? FindMount(string mountinfo)
    {
        ArgumentNullException.ThrowIfNull(mountinfo);
        foreach (string line in mountinfo.Split('\n'))
        {
            // id parent major:minor root mountpoint options [optional fields] - fstype source superoptions
            int separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0)
            {
                continue;
            }
            string[] before = line[..separator].Split(' ');
            string[] after = line[(separator + 3)..].Split(' ');
            if (before.Length >= 5 && after.Length >= 1 && after[0] == "cgroup2")
            {
                return Unescape(before[4]);
            }
        }
        return null;
    }

    /// <summary>The cgroup v2 mount of this machine; throws when cgroup v2 is not mounted.</summary>
    public static string FindMount() =>
        FindMount(File.ReadAllText("/proc/self/mountinfo"))
            ?? throw new EnforcementException("enforcement needs cgroup v2, and /proc/self/mountinfo has no cgroup2 mount (mount it: mount -t cgroup2 none /sys/fs/cgroup/unified)");

    /// <summary>The path of this process's cgroup v2 under <paramref name="mount"/> (from the <c>0::</c> line of /proc/self/cgroup).</summary>
    public static string? OwnCgroup(string mount, string procSelfCgroup)
    {
        ArgumentNullException.ThrowIfNull(procSelfCgroup);
        foreach (string line in procSelfCgroup.Split('\n'))
        {
            if (line.StartsWith("0::", StringComparison.Ordinal))
            {
                string relative = line[3..].Trim();
                return relative is "" or "/" ? mount : Path.Join(mount, relative);
            }
        }
        return null;
    }

    /// <summary>The cgroup id the kernel reports for the directory (its kernfs inode number).</summary>
    public static unsafe ulong Id(string path)
    {
        byte* buffer = stackalloc byte[Libbpf.StatSize];
        if (Libbpf.Stat(path, buffer) != 0)
        {
            throw new EnforcementException($"cgroup {path}: {Libbpf.ErrnoText(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
        }
        return *(ulong*)(buffer + Libbpf.StatInodeOffset);
    }

    /// <summary>Whether <paramref name="path"/> is a cgroup v2 directory under <paramref name="mount"/>.</summary>
    public static bool IsCgroupDirectory(string mount, string path) =>
        Directory.Exists(path) && File.Exists(Path.Join(path, "cgroup.procs"))
        && Path.GetFullPath(path).StartsWith(Path.GetFullPath(mount).TrimEnd('/'), StringComparison.Ordinal);

    // mountinfo escapes space, tab, newline and backslash as \ooo.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }
        var text = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length
                && int.TryParse(field.AsSpan(i + 1, 3), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }
        return text.ToString();
    }
}
