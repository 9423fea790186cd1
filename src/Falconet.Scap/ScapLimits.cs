namespace Falconet.Scap;

/// <summary>
/// String limits of the header-region blocks: the reader rejects longer fields and the writer refuses to
/// write them, so every file the writer produces is one the reader (and libscap) accepts.
/// </summary>
internal static class ScapLimits
{
    /// <summary>Longest path-like field of a thread entry (comm, exe, exepath, cwd, root), terminator included.</summary>
    public const int MaxPathLength = 1024;

    /// <summary>Longest fd name: a path without its terminator.</summary>
    public const int MaxFdNameLength = MaxPathLength - 1;

    /// <summary>Longest NUL-separated list of a thread entry (args, env, cgroups).</summary>
    public const int MaxArgsLength = 4096;

    /// <summary>Longest interface name.</summary>
    public const int MaxInterfaceNameLength = MaxPathLength - 1;

    /// <summary>Longest user name, home directory, shell or group name.</summary>
    public const int MaxUserStringLength = 255;

    /// <summary>Bytes of the NUL-padded hostname field of the machine info block.</summary>
    public const int HostnameSize = 128;
}
