using System.Net;
using System.Text;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;

namespace Falconet.State;

public sealed partial class SystemState
{
    // PPM_O_* open flags (scap-format.md §2.3).
    private const uint PpmOpenWrOnly = PpmOpenFlags.Wronly;
    private const uint PpmOpenCreat = PpmOpenFlags.Creat;
    private const uint PpmOpenTrunc = PpmOpenFlags.Trunc;
    private const uint PpmOpenDirectory = PpmOpenFlags.Directory;
    internal const uint PpmOpenCloexec = PpmOpenFlags.Cloexec;

    private const long AtFdCwd = WireConstants.AtFdCwd;
    private const long EinProgress = -115;
    private const int SockCloexec = 0x80000;

    /// <summary>The working directory libsinsp resolves a thread's relative paths against (the main thread's; "./" when unknown).</summary>
    public string CwdOf(ThreadInfo thread)
    {
        if (thread.IsMainThread)
        {
            return thread.Cwd;
        }
        return FindThread(thread.Pid)?.Cwd ?? "./";
    }

    /// <summary>
    /// Makes a syscall path absolute: against the thread's cwd when <paramref name="dirFd"/> is AT_FDCWD (-100)
    /// or the path is absolute, else against the directory fd's name.
    /// </summary>
    public string ResolvePath(ThreadInfo thread, long dirFd, string raw)
    {
        string directory = dirFd == AtFdCwd ? CwdOf(thread) : thread.Fds.Find(dirFd)?.Name ?? "";
        return PathResolver.Resolve(directory, raw);
    }

    private readonly IpAddressCache _addresses = new();

    /// <summary>
    /// <paramref name="current"/> when it already holds <paramref name="bytes"/>, else the cached address for them:
    /// repeated and recurring tuples allocate no address.
    /// </summary>
    private IPAddress ToAddress(IPAddress? current, ReadOnlySpan<byte> bytes) =>
        current is not null && SocketTuple.SameAddress(current, bytes) ? current : _addresses.Get(bytes);

    private void ParseOpen(ScapEvent evt, ThreadInfo thread)
    {
        long fdNumber = ParamInt(evt, Param.Fd, -1);
        if (fdNumber < 0)
        {
            return;
        }
        EventInfo info = evt.Info;
        string raw = ParamString(evt, Param.Name);
        string directory;
        int dirFdIndex = ParamIndex.Of(evt.Type, Param.DirFd);
        long dirFd = dirFdIndex >= 0 ? ParamInt(evt, Param.DirFd, AtFdCwd) : AtFdCwd;
        if (dirFd == AtFdCwd)
        {
            directory = CwdOf(thread);
        }
        else
        {
            directory = thread.Fds.Find(dirFd)?.Name ?? "";
        }
        uint flags = info.Name == "creat" ? PpmOpenCreat | PpmOpenWrOnly | PpmOpenTrunc : (uint)ParamInt(evt, Param.Flags, 0);
        var fd = new FdInfo
        {
            Fd = fdNumber,
            Kind = (flags & PpmOpenDirectory) != 0 ? FdKind.Directory : FdKind.File,
            Name = PathResolver.Resolve(directory, raw),
            NameRaw = raw,
            OpenFlags = flags,
            Dev = (uint)ParamInt(evt, Param.Dev, 0),
            Ino = (ulong)ParamInt(evt, Param.Ino, 0),
            IsCloexec = (flags & PpmOpenCloexec) != 0,
        };
        thread.Fds.Set(fd);
    }

    private static void ParseSocket(ScapEvent evt, ThreadInfo thread)
    {
        long fdNumber = ParamInt(evt, Param.Fd, -1);
        if (fdNumber < 0)
        {
            return;
        }
        long domain = ParamInt(evt, Param.Domain, 0);
        long type = ParamInt(evt, Param.Type, 0);
        long proto = ParamInt(evt, Param.Proto, 0);
        var fd = new FdInfo
        {
            Fd = fdNumber,
            Kind = domain switch
            {
                1 => FdKind.Unix,
                2 => FdKind.Ipv4Socket,
                10 => FdKind.Ipv6Socket,
                16 => FdKind.Netlink,
                _ => FdKind.Unknown,
            },
            L4Proto = L4FromSocketArgs(proto, type),
            IsCloexec = (type & SockCloexec) != 0,
        };
        thread.Fds.Set(fd);
    }

    private static byte L4FromSocketArgs(long proto, long type)
    {
        switch (proto)
        {
            case 6:
                return FdInfo.L4Tcp;
            case 17:
                return FdInfo.L4Udp;
            case 1:
            case 58:
                return FdInfo.L4Icmp;
            case 255:
                return FdInfo.L4Raw;
            case 0:
                return (type & 0xff) switch
                {
                    1 => FdInfo.L4Tcp,
                    2 => FdInfo.L4Udp,
                    3 => FdInfo.L4Raw,
                    _ => FdInfo.L4Unknown,
                };
            default:
                return FdInfo.L4Unknown;
        }
    }

    private void ParseBind(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamInt(evt, Param.Res, -1) < 0 || thread.Fds.Find(ParamInt(evt, Param.Fd, thread.LastEventFd)) is not { } fd)
        {
            return;
        }
        if (!SocketTuple.TryParseAddress(evt.GetParam(ParamIndex.Of(evt.Type, Param.Addr)), out SocketTuple address))
        {
            return;
        }
        if (address.IsInet)
        {
            if (address.SourcePort == 0)
            {
                return;
            }
            fd.Kind = address.Family == SocketTuple.FamilyInet ? FdKind.Ipv4ServerSocket : FdKind.Ipv6ServerSocket;
            fd.ServerIp = ToAddress(fd.ServerIp, address.SourceIp);
            fd.ServerPort = address.SourcePort;
            fd.ClientIp = null;
            fd.ClientPort = 0;
            fd.Role = SocketRole.Server;
            fd.Name = $"{fd.ServerIp}:{fd.ServerPort}";
        }
        else if (address.Family == SocketTuple.FamilyUnix)
        {
            fd.Name = Encoding.UTF8.GetString(address.Path);
        }
    }

    private void ParseConnect(ScapEvent evt, ThreadInfo thread)
    {
        long res = ParamInt(evt, Param.Res, -1);
        if (res < 0 && res != EinProgress)
        {
            return;
        }
        if (thread.Fds.Find(ParamInt(evt, Param.Fd, thread.LastEventFd)) is not { } fd)
        {
            return;
        }
        EventInfo info = evt.Info;
        bool haveTuple = SocketTuple.TryParseTuple(evt.GetParam(ParamIndex.Of(evt.Type, Param.Tuple)), out SocketTuple tuple);
        if (haveTuple && tuple.IsInet && tuple.DestinationIp.IndexOfAnyExcept((byte)0) < 0 && tuple.DestinationPort == 0)
        {
            haveTuple = false; // an empty tuple: the kernel had no peer yet
        }
        if (!haveTuple)
        {
            // Fall back to the address the process asked for.
            if (!SocketTuple.TryParseAddress(evt.GetParam(ParamIndex.Of(evt.Type, Param.Addr)), out SocketTuple address))
            {
                return;
            }
            if (address.IsInet)
            {
                if (fd.Role == SocketRole.None)
                {
                    fd.Role = SocketRole.Client;
                }
                ApplyInetTuple(fd, address.Family, default, 0, address.SourceIp, address.SourcePort, localIsClient: true, keepClient: true);
            }
            else if (address.Family == SocketTuple.FamilyUnix)
            {
                fd.Name = Encoding.UTF8.GetString(address.Path);
            }
            fd.IsConnected = true;
            return;
        }
        if (tuple.IsInet)
        {
            if (fd.Role == SocketRole.None)
            {
                fd.Role = SocketRole.Client;
            }
            ApplyInetTuple(fd, tuple.Family, tuple.SourceIp, tuple.SourcePort, tuple.DestinationIp, tuple.DestinationPort,
                localIsClient: fd.Role != SocketRole.Server, keepClient: false);
        }
        else if (tuple.Family == SocketTuple.FamilyUnix)
        {
            fd.UnixSource = tuple.UnixSource;
            fd.UnixDestination = tuple.UnixDestination;
            fd.Name = $"{tuple.UnixSource:x}->{tuple.UnixDestination:x} {Encoding.UTF8.GetString(tuple.Path)}";
        }
        fd.IsConnected = true;
    }

    /// <summary>
    /// Stores an IPv4/IPv6 tuple given local → remote (<paramref name="localIsClient"/>) or already client → server,
    /// always as client → server, switching the fd's kind to the tuple's family and rebuilding its name.
    /// </summary>
    private void ApplyInetTuple(FdInfo fd, byte family, ReadOnlySpan<byte> firstIp, ushort firstPort,
        ReadOnlySpan<byte> secondIp, ushort secondPort, bool localIsClient, bool keepClient)
    {
        if (!fd.IsServerSocket)
        {
            fd.Kind = family == SocketTuple.FamilyInet ? FdKind.Ipv4Socket : FdKind.Ipv6Socket;
        }
        if (fd.L4Proto == FdInfo.L4Unknown)
        {
            fd.L4Proto = FdInfo.L4Udp;
        }
        (IPAddress? oldClient, ushort oldClientPort, IPAddress? oldServer, ushort oldServerPort) = (fd.ClientIp, fd.ClientPort, fd.ServerIp, fd.ServerPort);
        if (!localIsClient)
        {
            fd.ClientIp = ToAddress(fd.ClientIp, secondIp);
            fd.ClientPort = secondPort;
            fd.ServerIp = ToAddress(fd.ServerIp, firstIp);
            fd.ServerPort = firstPort;
        }
        else
        {
            if (!keepClient || fd.ClientIp is null)
            {
                fd.ClientIp = firstIp.IsEmpty
                    ? (family == SocketTuple.FamilyInet ? IPAddress.Any : IPAddress.IPv6Any)
                    : ToAddress(fd.ClientIp, firstIp);
                fd.ClientPort = firstPort;
            }
            fd.ServerIp = ToAddress(fd.ServerIp, secondIp);
            fd.ServerPort = secondPort;
        }
        InferMissingAddress(fd);
        bool changed = !ReferenceEquals(oldClient, fd.ClientIp) || !ReferenceEquals(oldServer, fd.ServerIp)
            || oldClientPort != fd.ClientPort || oldServerPort != fd.ServerPort;
        if (!fd.IsServerSocket && (changed || fd.Name.Length == 0))
        {
            fd.RebuildSocketName();
        }
    }

    /// <summary>
    /// libsinsp fills an unspecified (all-zero) end of a tuple from the machine's interfaces, e.g. an unbound UDP
    /// socket sending to ::1 gets ::1 as its own address: the interface equal to the other end, else one in the same
    /// subnet, else the first non-loopback one. Nothing changes when that gives the other end back with equal ports.
    /// </summary>
    private void InferMissingAddress(FdInfo fd)
    {
        if (fd.ClientIp is null || fd.ServerIp is null)
        {
            return;
        }
        bool clientMissing = IsUnspecified(fd.ClientIp);
        bool serverMissing = IsUnspecified(fd.ServerIp);
        if (clientMissing == serverMissing)
        {
            return;
        }
        IPAddress known = clientMissing ? fd.ServerIp : fd.ClientIp;
        IPAddress? inferred = InferInterfaceAddress(known);
        if (inferred is null || (inferred.Equals(known) && fd.ClientPort == fd.ServerPort))
        {
            return;
        }
        if (clientMissing)
        {
            fd.ClientIp = inferred;
        }
        else
        {
            fd.ServerIp = inferred;
        }
    }

    private static bool IsUnspecified(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private IPAddress? InferInterfaceAddress(IPAddress destination)
    {
        Span<byte> wanted = stackalloc byte[16];
        Span<byte> candidate = stackalloc byte[16];
        Span<byte> mask = stackalloc byte[16];
        if (!destination.TryWriteBytes(wanted, out int length))
        {
            return null;
        }
        foreach (InterfaceAddress iface in _interfaces)
        {
            if (iface.Address.AddressFamily == destination.AddressFamily && iface.Address.Equals(destination))
            {
                return iface.Address;
            }
        }
        foreach (InterfaceAddress iface in _interfaces)
        {
            if (iface.Address.AddressFamily != destination.AddressFamily || !iface.Address.TryWriteBytes(candidate, out _))
            {
                continue;
            }
            bool sameSubnet;
            if (length == 16)
            {
                sameSubnet = wanted[..8].SequenceEqual(candidate[..8]);
            }
            else
            {
                sameSubnet = iface.Netmask.TryWriteBytes(mask, out int maskLength) && maskLength == 4;
                for (int i = 0; sameSubnet && i < 4; i++)
                {
                    sameSubnet = (wanted[i] & mask[i]) == (candidate[i] & mask[i]);
                }
            }
            if (sameSubnet)
            {
                return iface.Address;
            }
        }
        foreach (InterfaceAddress iface in _interfaces)
        {
            if (iface.Address.AddressFamily == destination.AddressFamily && !IPAddress.IsLoopback(iface.Address))
            {
                return iface.Address;
            }
        }
        return null;
    }

    private void ParseAccept(ScapEvent evt, ThreadInfo thread)
    {
        long fdNumber = ParamInt(evt, Param.Fd, -1);
        if (fdNumber < 0)
        {
            return;
        }
        EventInfo info = evt.Info;
        var fd = new FdInfo { Fd = fdNumber, Role = SocketRole.Server, IsConnected = true };
        if (SocketTuple.TryParseTuple(evt.GetParam(ParamIndex.Of(evt.Type, Param.Tuple)), out SocketTuple tuple))
        {
            if (tuple.IsInet)
            {
                fd.L4Proto = FdInfo.L4Tcp;
                // Inbound tuples are remote → local, i.e. client → server.
                ApplyInetTuple(fd, tuple.Family, tuple.SourceIp, tuple.SourcePort, tuple.DestinationIp, tuple.DestinationPort,
                    localIsClient: true, keepClient: false);
            }
            else if (tuple.Family == SocketTuple.FamilyUnix)
            {
                fd.Kind = FdKind.Unix;
                fd.UnixSource = tuple.UnixSource;
                fd.UnixDestination = tuple.UnixDestination;
                fd.Name = $"{tuple.UnixSource:x}->{tuple.UnixDestination:x} {Encoding.UTF8.GetString(tuple.Path)}";
            }
        }
        long flags = ParamInt(evt, Param.Flags, 0);
        fd.IsCloexec = (flags & SockCloexec) != 0;
        thread.Fds.Set(fd);
    }

    private void ParseClose(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamInt(evt, Param.Res, -1) < 0)
        {
            return;
        }
        long fdNumber = ParamInt(evt, Param.Fd, -1);
        if (thread.Fds.Find(fdNumber) is null)
        {
            return;
        }
        // Removed before the next event: the close event itself still shows the fd.
        _pendingFdRemoval = thread.Fds;
        _pendingFdRemovalNumber = fdNumber;
    }

    private static void ParseDup(ScapEvent evt, ThreadInfo thread)
    {
        long res = ParamInt(evt, Param.Res, -1);
        long oldFd = ParamInt(evt, Param.OldFd, -1);
        if (res < 0 || res == oldFd || thread.Fds.Find(oldFd) is not { } source)
        {
            return;
        }
        FdInfo copy = source.Clone();
        copy.Fd = res;
        copy.IsCloexec = evt.Info.Name == "dup3" && (ParamInt(evt, Param.Flags, 0) & PpmOpenCloexec) != 0;
        copy.OpenFlags &= ~PpmOpenCloexec;
        thread.Fds.Set(copy);
    }

    private static void ParsePipe(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamInt(evt, Param.Res, -1) < 0)
        {
            return;
        }
        ulong ino = (ulong)ParamInt(evt, Param.Ino, 0);
        bool cloexec = (ParamInt(evt, Param.Flags, 0) & PpmOpenCloexec) != 0;
        foreach (Param param in (ReadOnlySpan<Param>)[Param.Fd1, Param.Fd2])
        {
            long number = ParamInt(evt, param, -1);
            if (number >= 0)
            {
                thread.Fds.Set(new FdInfo { Fd = number, Kind = FdKind.Fifo, Ino = ino, IsCloexec = cloexec });
            }
        }
    }

    private static void ParseSocketPair(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamInt(evt, Param.Res, -1) < 0)
        {
            return;
        }
        ulong source = (ulong)ParamInt(evt, Param.Source, 0);
        ulong peer = (ulong)ParamInt(evt, Param.Peer, 0);
        long domain = ParamInt(evt, Param.Domain, 1);
        foreach (Param param in (ReadOnlySpan<Param>)[Param.Fd1, Param.Fd2])
        {
            long number = ParamInt(evt, param, -1);
            if (number >= 0)
            {
                thread.Fds.Set(new FdInfo
                {
                    Fd = number,
                    Kind = domain == 1 ? FdKind.Unix : FdKind.Unknown,
                    UnixSource = source,
                    UnixDestination = peer,
                });
            }
        }
    }

    private void ParseSimpleFd(ScapEvent evt, ThreadInfo thread)
    {
        if (!evt.TryGetInt64(0, out long number) || number < 0)
        {
            return;
        }
        var fd = new FdInfo { Fd = number, Kind = s_simpleFdKinds[evt.Type] };
        if (fd.Kind == FdKind.Memfd)
        {
            fd.Name = "memfd:" + ParamString(evt, Param.Name);
        }
        thread.Fds.Set(fd);
    }

    /// <summary>
    /// read/write/send*/recv* exit (scap-format.md §4.2): success marks IP sockets connected; a tuple replaces the
    /// addresses of a socket without a name or not on TCP, with the role guessed when unknown.
    /// </summary>
    private void ParseReadWrite(ScapEvent evt, ThreadInfo thread, int tupleIndex, bool incoming)
    {
        long res = ParamInt(evt, Param.Res, -1);
        if (res < 0)
        {
            return;
        }
        long fdNumber = Context.FdNumber;
        FdInfo? fd = fdNumber >= 0 ? thread.Fds.Find(fdNumber) : null;
        bool haveTuple = SocketTuple.TryParseTuple(tupleIndex >= 0 ? evt.GetParam(tupleIndex) : default, out SocketTuple tuple);
        if (fd is null)
        {
            if (haveTuple && !incoming && tuple.IsInet && fdNumber >= 0)
            {
                // A datagram socket we never saw created: add it as UDP.
                fd = new FdInfo { Fd = fdNumber, L4Proto = FdInfo.L4Udp };
                thread.Fds.Set(fd);
            }
            else
            {
                return;
            }
        }
        if (fd.IsIpSocket || (fd.Kind is FdKind.Ipv4ServerSocket or FdKind.Ipv6ServerSocket))
        {
            fd.IsConnected = true;
        }
        if (!haveTuple || !tuple.IsInet || fd.IsServerSocket)
        {
            return;
        }
        if (fd.Name.Length > 0 && fd.IsTcp)
        {
            return;
        }
        if (fd.Role == SocketRole.None)
        {
            fd.Role = GuessRole(thread, tuple.SourcePort, tuple.DestinationPort, incoming);
        }
        // Outbound tuples are local → remote, inbound ones remote → local.
        bool firstIsClient = incoming ? fd.Role == SocketRole.Server : fd.Role != SocketRole.Server;
        ApplyInetTuple(fd, tuple.Family, tuple.SourceIp, tuple.SourcePort, tuple.DestinationIp, tuple.DestinationPort,
            localIsClient: firstIsClient, keepClient: false);
    }

    /// <summary>libsinsp's role guess for a socket first seen in a send/recv: by the ports the process is bound to or uses.</summary>
    private static SocketRole GuessRole(ThreadInfo thread, ushort sourcePort, ushort destinationPort, bool incoming)
    {
        if (!IsBoundToPort(thread, destinationPort))
        {
            return SocketRole.Client;
        }
        if (!UsesClientPort(thread, sourcePort))
        {
            return SocketRole.Server;
        }
        return incoming ? SocketRole.Server : SocketRole.Client;
    }

    private static bool IsBoundToPort(ThreadInfo thread, ushort port)
    {
        foreach (FdInfo fd in thread.Fds.All)
        {
            if ((fd.IsServerSocket || (fd.IsIpSocket && fd.Role == SocketRole.Server)) && fd.ServerPort == port)
            {
                return true;
            }
        }
        return false;
    }

    private static bool UsesClientPort(ThreadInfo thread, ushort port)
    {
        foreach (FdInfo fd in thread.Fds.All)
        {
            if (fd.IsIpSocket && fd.Role == SocketRole.Client && fd.ClientPort == port)
            {
                return true;
            }
        }
        return false;
    }
}
