using System.Net;

namespace Falconet.State;

/// <summary>Kinds of fd, with the character Falco prints in <c>fd.typechar</c>.</summary>
public enum FdKind : byte
{
    Unknown = 0,
    File,
    Directory,
    Ipv4Socket,
    Ipv6Socket,
    Ipv4ServerSocket,
    Ipv6ServerSocket,
    Fifo,
    Unix,
    Event,
    Unsupported,
    SignalFd,
    EventPoll,
    Inotify,
    TimerFd,
    Netlink,
    Bpf,
    UserFaultFd,
    IoUring,
    Memfd,
    PidFd,
}

/// <summary>Who this process is on a socket.</summary>
public enum SocketRole : byte
{
    None = 0,
    Client,
    Server,
}

/// <summary>
/// One open file descriptor (libsinsp's fdinfo). For IPv4/IPv6 sockets the tuple is always stored
/// client → server (<see cref="ClientIp"/>:<see cref="ClientPort"/> → <see cref="ServerIp"/>:<see cref="ServerPort"/>);
/// server (listening) sockets keep only the bound address in <see cref="ServerIp"/>/<see cref="ServerPort"/>.
/// </summary>
public sealed class FdInfo
{
    public long Fd { get; set; }
    public FdKind Kind { get; set; }
    private string _name = "";
    private string? _directory;
    private string? _fileName;

    public string Name
    {
        get => _name;
        set
        {
            _name = value;
            _directory = null;
            _fileName = null;
        }
    }

    /// <summary>
    /// The directory part of <see cref="Name"/> (<c>fd.directory</c>): up to the last '/', "/" when there is none;
    /// cached until the name changes.
    /// </summary>
    public string Directory => _directory ??= DirectoryOf(_name);

    /// <summary>The part of <see cref="Name"/> after the last '/' (<c>fd.filename</c>), cached until the name changes.</summary>
    public string FileName => _fileName ??= _name.LastIndexOf('/') is var slash and >= 0 ? _name[(slash + 1)..] : _name;

    /// <summary>libsinsp's directory rule: cut at the last '/', unless it ends the name; "/" when there is no '/'.</summary>
    public static string DirectoryOf(string name)
    {
        int slash = name.LastIndexOf('/');
        if (slash < 0)
        {
            return "/";
        }
        return slash < name.Length - 1 ? name[..slash] : name;
    }

    /// <summary>Path as given to the syscall (<c>fd.nameraw</c>).</summary>
    public string NameRaw { get; set; } = "";

    /// <summary>PPM_O_* open flags.</summary>
    public uint OpenFlags { get; set; }
    public ulong Ino { get; set; }
    public uint Dev { get; set; }

    /// <summary>0 unknown, 1 n/a, 2 TCP, 3 UDP, 4 ICMP, 5 RAW (SCAP_L4_*).</summary>
    public byte L4Proto { get; set; }
    public SocketRole Role { get; set; }
    public IPAddress? ClientIp { get; set; }
    public ushort ClientPort { get; set; }
    public IPAddress? ServerIp { get; set; }
    public ushort ServerPort { get; set; }
    public ulong UnixSource { get; set; }
    public ulong UnixDestination { get; set; }
    public bool IsConnected { get; set; }
    public bool IsCloexec { get; set; }

    /// <summary>The name before the current event was parsed, for <c>fd.name_changed</c>.</summary>
    public string? OldName { get; set; }

    public bool IsTcp => L4Proto == L4Tcp;

    public const byte L4Unknown = 0;
    public const byte L4Na = 1;
    public const byte L4Tcp = 2;
    public const byte L4Udp = 3;
    public const byte L4Icmp = 4;
    public const byte L4Raw = 5;

    public bool IsSocket => Kind is FdKind.Ipv4Socket or FdKind.Ipv6Socket or FdKind.Ipv4ServerSocket or FdKind.Ipv6ServerSocket or FdKind.Unix;
    public bool IsIpSocket => Kind is FdKind.Ipv4Socket or FdKind.Ipv6Socket;
    public bool IsServerSocket => Kind is FdKind.Ipv4ServerSocket or FdKind.Ipv6ServerSocket;
    public bool IsIpv4 => Kind is FdKind.Ipv4Socket or FdKind.Ipv4ServerSocket;

    /// <summary>Rebuilds <see cref="Name"/> from the tuple of a connected IP socket (fd.name format, scap-format.md §4.3).</summary>
    public void RebuildSocketName()
    {
        if (!IsIpSocket)
        {
            return;
        }
        if (L4Proto is L4Icmp or L4Raw)
        {
            Name = $"{ClientIp}->{ServerIp}";
        }
        else
        {
            Name = $"{ClientIp}:{ClientPort}->{ServerIp}:{ServerPort}";
        }
    }

    public FdInfo Clone() => (FdInfo)MemberwiseClone();

    public override string ToString() => $"{Fd}:{Kind}:{Name}";
}
