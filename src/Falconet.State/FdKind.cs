namespace Falconet.State;

/// <summary>Kinds of fd, with the character Falco prints in <c>fd.typechar</c>.</summary>
public enum FdKind : byte
{
    /// <summary>Not known (socket of an unsupported family, or never seen created).</summary>
    Unknown = 0,

    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A connected or connecting IPv4 socket.</summary>
    Ipv4Socket,

    /// <summary>A connected or connecting IPv6 socket.</summary>
    Ipv6Socket,

    /// <summary>A bound IPv4 socket (listening side).</summary>
    Ipv4ServerSocket,

    /// <summary>A bound IPv6 socket (listening side).</summary>
    Ipv6ServerSocket,

    /// <summary>A pipe or FIFO.</summary>
    Fifo,

    /// <summary>A unix domain socket.</summary>
    Unix,

    /// <summary>An eventfd.</summary>
    Event,

    /// <summary>A kind the drivers report as unsupported.</summary>
    Unsupported,

    /// <summary>A signalfd.</summary>
    SignalFd,

    /// <summary>An epoll instance.</summary>
    EventPoll,

    /// <summary>An inotify instance.</summary>
    Inotify,

    /// <summary>A timerfd.</summary>
    TimerFd,

    /// <summary>A netlink socket.</summary>
    Netlink,

    /// <summary>A BPF object.</summary>
    Bpf,

    /// <summary>A userfaultfd.</summary>
    UserFaultFd,

    /// <summary>An io_uring instance.</summary>
    IoUring,

    /// <summary>A memfd.</summary>
    Memfd,

    /// <summary>A pidfd.</summary>
    PidFd,
}
