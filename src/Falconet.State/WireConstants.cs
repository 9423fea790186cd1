namespace Falconet.State;

/// <summary>
/// The kernel and driver constants the parsers compare event values with: the PPM_O_* open flags, PPM_CL_* clone
/// flags and PPM_EXE_* exec flags of the drivers' portable encoding, and the Linux values syscalls return or take.
/// </summary>
internal static class WireConstants
{
    public const uint PpmOpenWrOnly = 2;
    public const uint PpmOpenCreat = 4;
    public const uint PpmOpenTrunc = 256;
    public const uint PpmOpenDirectory = 1024;
    public const uint PpmOpenCloexec = 4096;

    /// <summary>PPM_CL_CLONE_THREAD.</summary>
    public const uint PpmCloneThread = 1u << 13;

    public const long PpmExeWritable = 1;
    public const long PpmExeUpperLayer = 2;
    public const long PpmExeFromMemfd = 4;
    public const long PpmExeLowerLayer = 8;

    /// <summary>The dirfd meaning "relative to the working directory".</summary>
    public const long AtFdCwd = -100;

    /// <summary>-EINPROGRESS: a non-blocking connect under way.</summary>
    public const long EinProgress = -115;

    /// <summary>SOCK_CLOEXEC in socket(2)'s type and accept4(2)'s flags.</summary>
    public const int SockCloexec = 0x80000;

    /// <summary>AF_NETLINK (the other address families are <see cref="SocketTuple"/>'s).</summary>
    public const long AfNetlink = 16;
}
