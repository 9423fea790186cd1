namespace Falconet.State;

/// <summary>
/// Finds a container id in a process's cgroups, the way the container plugin's cgroup matchers do for
/// docker, cri-o, containerd and podman/libpod: a 64-hex-digit path component, optionally wrapped as
/// <c>docker-ID.scope</c>, <c>crio-ID.scope</c>, <c>cri-containerd-ID.scope</c>, <c>libpod-ID.scope</c>.
/// The id Falco shows is the first 12 characters.
/// </summary>
public static class ContainerIdParser
{
    /// <summary>The length of the short container id Falco shows.</summary>
    public const int ShortIdLength = 12;
    private const int FullIdLength = 64;

    private static readonly string[] s_prefixes = ["docker-", "crio-", "cri-containerd-", "containerd-", "libpod-", "libpod-conmon-"];

    /// <summary>The full 64-character id, or "" when no cgroup names a container.</summary>
    public static string FindFullId(IReadOnlyList<string> cgroups)
    {
        foreach (string entry in cgroups)
        {
            int eq = entry.IndexOf('=');
            ReadOnlySpan<char> path = eq >= 0 ? entry.AsSpan(eq + 1) : entry.AsSpan();
            foreach (Range r in path.Split('/'))
            {
                ReadOnlySpan<char> component = path[r];
                if (component.EndsWith(".scope", StringComparison.Ordinal))
                {
                    component = component[..^6];
                }
                foreach (string prefix in s_prefixes)
                {
                    if (component.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        component = component[prefix.Length..];
                        break;
                    }
                }
                if (component.Length == FullIdLength && IsLowerHex(component))
                {
                    return component.ToString();
                }
            }
        }
        return "";
    }

    private static bool IsLowerHex(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
