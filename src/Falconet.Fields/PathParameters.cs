namespace Falconet.Fields;

/// <summary>
/// Which parameter of each event type holds the path of each <see cref="PathRole"/>, and which event types are
/// opens and symlinks: looked up by event type id, so extraction compares no syscall names.
/// </summary>
internal static class PathParameters
{
    private static readonly sbyte[][] s_index = Build(out s_openFamily, out s_symlink);
    private static readonly bool[] s_openFamily;
    private static readonly bool[] s_symlink;

    /// <summary>The index of the parameter holding <paramref name="role"/>'s path in events of <paramref name="type"/>, -1 when none.</summary>
    public static int IndexOf(ushort type, PathRole role) => type < s_index[(int)role].Length ? s_index[(int)role][type] : -1;

    /// <summary>True for open, openat, openat2 and creat events.</summary>
    public static bool IsOpenFamily(ushort type) => type < s_openFamily.Length && s_openFamily[type];

    /// <summary>True for symlink and symlinkat events.</summary>
    public static bool IsSymlink(ushort type) => type < s_symlink.Length && s_symlink[type];

    /// <summary>The parameter holding the path of each role, by syscall name.</summary>
    private static string? ParamName(string syscall, PathRole role) => role switch
    {
        PathRole.Name => syscall switch
        {
            "open" or "openat" or "openat2" or "creat" or "unlinkat" => "name",
            "mkdir" or "mkdirat" or "rmdir" or "unlink" => "path",
            "chmod" or "fchmodat" => "filename",
            _ => null,
        },
        PathRole.Source => syscall switch
        {
            "rename" or "renameat" or "renameat2" or "link" or "linkat" => "oldpath",
            "symlink" or "symlinkat" => "target",
            _ => null,
        },
        _ => syscall switch
        {
            "rename" or "renameat" or "renameat2" or "link" or "linkat" => "newpath",
            "symlink" or "symlinkat" => "linkpath",
            _ => null,
        },
    };

    private static sbyte[][] Build(out bool[] openFamily, out bool[] symlink)
    {
        int count = EventTable.All.Count;
        sbyte[][] index = [new sbyte[count], new sbyte[count], new sbyte[count]];
        openFamily = new bool[count];
        symlink = new bool[count];
        foreach (EventInfo info in EventTable.All)
        {
            foreach (PathRole role in (ReadOnlySpan<PathRole>)[PathRole.Name, PathRole.Source, PathRole.Target])
            {
                index[(int)role][info.Id] = (sbyte)(ParamName(info.Name, role) is { } name ? info.IndexOfParam(name) : -1);
            }
            openFamily[info.Id] = info.Name is "open" or "openat" or "openat2" or "creat";
            symlink[info.Id] = info.Name is "symlink" or "symlinkat";
        }
        return index;
    }
}
