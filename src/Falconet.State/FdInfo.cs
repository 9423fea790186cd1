using System.Net;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;

namespace Falconet.State;

/// <summary>
/// One open file descriptor (libsinsp's fdinfo). For IPv4/IPv6 sockets the tuple is always stored
/// client → server (<see cref="ClientIp"/>:<see cref="ClientPort"/> → <see cref="ServerIp"/>:<see cref="ServerPort"/>);
/// server (listening) sockets keep only the bound address in <see cref="ServerIp"/>/<see cref="ServerPort"/>.
/// Only the state engine changes it.
/// </summary>
public sealed class FdInfo
{
    private string _name = "";
    private string? _directory;
    private string? _fileName;

    /// <summary>The fd number.</summary>
    public long Fd { get; internal set; }

    /// <summary>What the fd refers to.</summary>
    public FdKind Kind { get; internal set; }

    /// <summary>The fd's name as Falco prints it in <c>fd.name</c> (absolute path, socket tuple, …).</summary>
    public string Name
    {
        get => _name;
        internal set
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

    /// <summary>Path as given to the syscall (<c>fd.nameraw</c>).</summary>
    public string NameRaw { get; internal set; } = "";

    /// <summary>PPM_O_* open flags.</summary>
    public uint OpenFlags { get; internal set; }

    /// <summary>The file is in an overlayfs upper layer (the driver's PPM_O_F_UPPER_LAYER, creat's PPM_FD_UPPER_LAYER_CREAT).</summary>
    public bool IsUpperLayer => (OpenFlags & PpmOpenFlags.FUpperLayer) != 0;

    /// <summary>The file is in an overlayfs lower layer.</summary>
    public bool IsLowerLayer => (OpenFlags & PpmOpenFlags.FLowerLayer) != 0;

    /// <summary>Inode number (files, pipes).</summary>
    public ulong Ino { get; internal set; }

    /// <summary>Device number of the file's filesystem.</summary>
    public uint Dev { get; internal set; }

    /// <summary>One of the <see cref="ScapL4Protocol"/> numbers (SCAP_L4_*).</summary>
    public byte L4Proto { get; internal set; }

    /// <summary>Whether this process is the client or the server of a socket.</summary>
    public SocketRole Role { get; internal set; }

    /// <summary>The client end of an IP socket (null when unknown).</summary>
    public IPAddress? ClientIp { get; internal set; }

    /// <summary>The client port of an IP socket.</summary>
    public ushort ClientPort { get; internal set; }

    /// <summary>The server end of an IP socket, or the bound address of a server socket.</summary>
    public IPAddress? ServerIp { get; internal set; }

    /// <summary>The server port, or the bound port of a server socket.</summary>
    public ushort ServerPort { get; internal set; }

    /// <summary>Kernel address of a unix socket's own end.</summary>
    public ulong UnixSource { get; internal set; }

    /// <summary>Kernel address of a unix socket's peer.</summary>
    public ulong UnixDestination { get; internal set; }

    /// <summary>Whether a socket has connected or carried data.</summary>
    public bool IsConnected { get; internal set; }

    /// <summary>Whether the fd closes on exec (O_CLOEXEC, SOCK_CLOEXEC).</summary>
    public bool IsCloexec { get; internal set; }

    /// <summary>Whether the socket carries TCP.</summary>
    public bool IsTcp => L4Proto == ScapL4Protocol.Tcp;

    /// <summary>Any socket kind, IP or unix.</summary>
    public bool IsSocket => Kind is FdKind.Ipv4Socket or FdKind.Ipv6Socket or FdKind.Ipv4ServerSocket or FdKind.Ipv6ServerSocket or FdKind.Unix;

    /// <summary>A connected or connecting IP socket.</summary>
    public bool IsIpSocket => Kind is FdKind.Ipv4Socket or FdKind.Ipv6Socket;

    /// <summary>A bound (listening-side) IP socket.</summary>
    public bool IsServerSocket => Kind is FdKind.Ipv4ServerSocket or FdKind.Ipv6ServerSocket;

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

    /// <summary>
    /// Rebuilds <see cref="Name"/> from the tuple of a connected IP socket: <c>client:port->server:port</c>,
    /// without ports for ICMP and raw sockets.
    /// </summary>
    internal void RebuildSocketName()
    {
        if (!IsIpSocket)
        {
            return;
        }
        Name = L4Proto is ScapL4Protocol.Icmp or ScapL4Protocol.Raw ? $"{ClientIp}->{ServerIp}" : $"{ClientIp}:{ClientPort}->{ServerIp}:{ServerPort}";
    }

    /// <summary>The last IPv6 tuple a datagram wrote over this server socket's end (see FdEventParser), to skip repeats.</summary>
    internal byte[]? ServerTupleWritten { get; set; }

    /// <summary>The DNS stream of a TCP socket to or from port 53 (messages span reads).</summary>
    internal Falconet.Dns.DnsTcpReassembler? DnsStream { get; set; }

    /// <summary>The names this connection keeps valid past their TTL while it is open.</summary>
    internal DnsPin? DnsPin { get; set; }

    /// <summary>Lets the DNS names this connection kept valid expire normally again.</summary>
    internal void ReleaseDnsPin()
    {
        DnsPin?.Release();
        DnsPin = null;
    }

    /// <summary>A shallow copy (dup, fork without CLONE_FILES). The copy holds no pin and no DNS stream of its own.</summary>
    internal FdInfo Clone()
    {
        var copy = (FdInfo)MemberwiseClone();
        copy.DnsStream = null;
        copy.DnsPin = null;
        return copy;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Fd}:{Kind}:{Name}";
}
