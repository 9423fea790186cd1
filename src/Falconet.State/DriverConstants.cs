namespace Falconet.State;

/// <summary>
/// The driver and kernel constants the parsers compare event values with that the generated wire constants
/// (<see cref="Falconet.Core.Events.WireConstants"/>, <see cref="Falconet.Core.Events.PpmOpenFlags"/>) do not
/// carry yet: PPM_CL_* clone and PPM_EXE_* exec flags, and the Linux values syscalls return or take.
/// </summary>
internal static class DriverConstants
{
    /// <summary>PPM_CL_CLONE_THREAD.</summary>
    public const uint PpmCloneThread = 1u << 13;

    public const long PpmExeWritable = 1;
    public const long PpmExeUpperLayer = 2;
    public const long PpmExeFromMemfd = 4;
    public const long PpmExeLowerLayer = 8;

    /// <summary>PPM_FD_UPPER_LAYER_CREAT in creat's creat_flags.</summary>
    public const long PpmFdUpperLayerCreat = 1;

    /// <summary>PPM_FD_LOWER_LAYER_CREAT in creat's creat_flags.</summary>
    public const long PpmFdLowerLayerCreat = 2;

    /// <summary>-EINPROGRESS: a non-blocking connect under way.</summary>
    public const long EinProgress = -115;

    /// <summary>SOCK_CLOEXEC in socket(2)'s type and accept4(2)'s flags.</summary>
    public const int SockCloexec = 0x80000;

    /// <summary>AF_NETLINK (the other address families are <see cref="SocketTuple"/>'s).</summary>
    public const long AfNetlink = 16;
}
