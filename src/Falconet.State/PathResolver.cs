namespace Falconet.State;

/// <summary>Makes syscall paths absolute and canonical the way libsinsp does for fd names (no filesystem access).</summary>
public static class PathResolver
{
    /// <summary>
    /// Joins <paramref name="path"/> to <paramref name="directory"/> unless it is absolute, then removes
    /// <c>.</c>, <c>..</c> and repeated slashes. An empty path stays empty.
    /// </summary>
    public static string Resolve(string directory, string path)
    {
        if (path.Length == 0)
        {
            return path;
        }
        string joined = path[0] == '/' ? path : (directory.EndsWith('/') ? directory + path : directory + "/" + path);
        if (joined.Length == 0 || joined[0] != '/')
        {
            // A relative cwd (unknown): nothing to anchor on, keep the text as given.
            return joined;
        }
        return Normalize(joined);
    }

    private static string Normalize(string absolute)
    {
        if (!NeedsNormalizing(absolute))
        {
            return absolute;
        }
        var parts = new List<string>();
        foreach (string part in absolute.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                continue;
            }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    private static bool NeedsNormalizing(string path) =>
        path.Contains("//", StringComparison.Ordinal) || path.Contains("/./", StringComparison.Ordinal)
        || path.Contains("/../", StringComparison.Ordinal) || path.EndsWith("/.", StringComparison.Ordinal)
        || path.EndsWith("/..", StringComparison.Ordinal) || (path.Length > 1 && path.EndsWith('/'));
}
