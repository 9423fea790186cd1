using Falconet.State;

namespace Falconet.Fields.Rendering;

/// <summary>The one-character codes libsinsp prints for fd kinds and layer-4 protocols.</summary>
public static class FdChars
{
    /// <summary>The <c>fd.typechar</c> character of <paramref name="kind"/>.</summary>
    public static char TypeChar(FdKind kind) => kind switch
    {
        FdKind.File => 'f',
        FdKind.Directory => 'd',
        FdKind.Ipv4Socket or FdKind.Ipv4ServerSocket => '4',
        FdKind.Ipv6Socket or FdKind.Ipv6ServerSocket => '6',
        FdKind.Unix or FdKind.UserFaultFd => 'u',
        FdKind.Fifo => 'p',
        FdKind.Event => 'e',
        FdKind.SignalFd => 's',
        FdKind.EventPoll => 'l',
        FdKind.Inotify => 'i',
        FdKind.TimerFd => 't',
        FdKind.Netlink => 'n',
        FdKind.Bpf => 'b',
        FdKind.IoUring => 'r',
        FdKind.Memfd => 'm',
        FdKind.PidFd => 'P',
        FdKind.Unknown => 'o',
        FdKind.Unsupported => 'X',
        _ => '?',
    };

    /// <summary>The protocol character inside <c>&lt;4t&gt;</c> (t, u, i, r), or '\0' for none (SCAP_L4_* numbering).</summary>
    public static char L4Char(byte l4Proto) => l4Proto switch
    {
        2 => 't',
        3 => 'u',
        4 => 'i',
        5 => 'r',
        _ => '\0',
    };
}
