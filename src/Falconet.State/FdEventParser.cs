using System.Net;
using System.Text;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;

namespace Falconet.State;

/// <summary>
/// The events that create, change and close fds: open/creat, socket, bind, connect, accept, close, dup, pipe,
/// socketpair, the one-fd syscalls (eventfd, memfd_create, …) and the tuples of read/write/send/recv.
/// </summary>
internal sealed class FdEventParser(ThreadTable threads, InterfaceTable interfaces, ParamReader reader)
{
    private readonly IpAddressCache _addresses = new();

    /// <summary>The table and number of the fd a close removes before the next event (null: none).</summary>
    private FdTable? _pendingRemoval;
    private long _pendingRemovalNumber = -1;

    /// <summary>Removes the fd a close left for after its event.</summary>
    public void ApplyPendingRemoval()
    {
        if (_pendingRemoval is not null)
        {
            _pendingRemoval.Remove(_pendingRemovalNumber);
            Clear();
        }
    }

    /// <summary>Forgets a pending removal (a new capture section).</summary>
    public void Clear()
    {
        _pendingRemoval = null;
        _pendingRemovalNumber = -1;
    }

    /// <summary>Whether fd <paramref name="fd"/> is closed by the current event (still visible to it).</summary>
    public bool IsClosing(long fd) => _pendingRemoval is not null && _pendingRemovalNumber == fd;

    /// <summary>
    /// Makes a syscall path absolute: against the thread's cwd when <paramref name="dirFd"/> is AT_FDCWD (-100)
    /// or the path is absolute, else against the directory fd's name.
    /// </summary>
    public string ResolvePath(ThreadInfo thread, long dirFd, string raw) => PathResolver.Resolve(DirectoryOf(thread, dirFd), raw);

    private string DirectoryOf(ThreadInfo thread, long dirFd) => dirFd == WireConstants.AtFdCwd ? threads.CwdOf(thread) : thread.Fds.Find(dirFd)?.Name ?? "";

    /// <summary>
    /// <paramref name="current"/> when it already holds <paramref name="bytes"/>, else the cached address for them:
    /// repeated and recurring tuples allocate no address.
    /// </summary>
    private IPAddress ToAddress(IPAddress? current, ReadOnlySpan<byte> bytes) =>
        current is not null && SocketTuple.SameAddress(current, bytes) ? current : _addresses.Get(bytes);

    public void ParseOpen(ScapEvent evt, ThreadInfo thread, bool creat)
    {
        long fdNumber = ParamReader.Int(evt, Param.Fd, -1);
        if (fdNumber < 0)
        {
            return;
        }
        string raw = reader.String(evt, Param.Name);
        long dirFd = ParamIndex.Of(evt.Type, Param.DirFd) >= 0 ? ParamReader.Int(evt, Param.DirFd, WireConstants.AtFdCwd) : WireConstants.AtFdCwd;
        uint flags = creat ? PpmOpenFlags.Creat | PpmOpenFlags.Wronly | PpmOpenFlags.Trunc | CreatLayerFlags(evt) : (uint)ParamReader.Int(evt, Param.Flags, 0);
        thread.Fds.Set(new FdInfo
        {
            Fd = fdNumber,
            Kind = (flags & PpmOpenFlags.Directory) != 0 ? FdKind.Directory : FdKind.File,
            Name = ResolvePath(thread, dirFd, raw),
            NameRaw = raw,
            OpenFlags = flags,
            Dev = (uint)ParamReader.Int(evt, Param.Dev, 0),
            Ino = (ulong)ParamReader.Int(evt, Param.Ino, 0),
            IsCloexec = (flags & PpmOpenFlags.Cloexec) != 0,
        });
    }

    /// <summary>creat reports the overlay layer in its own creat_flags (PPM_FD_*_LAYER_CREAT): kept as the open flags' layer bits.</summary>
    private static uint CreatLayerFlags(ScapEvent evt)
    {
        long creatFlags = ParamReader.Int(evt, Param.CreatFlags, 0);
        return ((creatFlags & DriverConstants.PpmFdUpperLayerCreat) != 0 ? PpmOpenFlags.FUpperLayer : 0)
            | ((creatFlags & DriverConstants.PpmFdLowerLayerCreat) != 0 ? PpmOpenFlags.FLowerLayer : 0);
    }

    public static void ParseSocket(ScapEvent evt, ThreadInfo thread)
    {
        long fdNumber = ParamReader.Int(evt, Param.Fd, -1);
        if (fdNumber < 0)
        {
            return;
        }
        long type = ParamReader.Int(evt, Param.Type, 0);
        thread.Fds.Set(new FdInfo
        {
            Fd = fdNumber,
            Kind = ParamReader.Int(evt, Param.Domain, 0) switch
            {
                SocketTuple.FamilyUnix => FdKind.Unix,
                SocketTuple.FamilyInet => FdKind.Ipv4Socket,
                SocketTuple.FamilyInet6 => FdKind.Ipv6Socket,
                DriverConstants.AfNetlink => FdKind.Netlink,
                _ => FdKind.Unknown,
            },
            L4Proto = L4FromSocketArgs(ParamReader.Int(evt, Param.Proto, 0), type),
            IsCloexec = (type & DriverConstants.SockCloexec) != 0,
        });
    }

    private static byte L4FromSocketArgs(long proto, long type) => proto switch
    {
        6 => ScapL4Protocol.Tcp,
        17 => ScapL4Protocol.Udp,
        1 or 58 => ScapL4Protocol.Icmp,
        255 => ScapL4Protocol.Raw,
        0 => (type & 0xff) switch
        {
            1 => ScapL4Protocol.Tcp,
            2 => ScapL4Protocol.Udp,
            3 => ScapL4Protocol.Raw,
            _ => ScapL4Protocol.Unknown,
        },
        _ => ScapL4Protocol.Unknown,
    };

    public void ParseBind(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamReader.Int(evt, Param.Res, -1) < 0 || thread.Fds.Find(ParamReader.Int(evt, Param.Fd, thread.LastEventFd)) is not { } fd)
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
            // libsinsp files a bind to the IPv6 any address (::) as an IPv4 server socket on 0.0.0.0, keeping the
            // IPv6 text in the name (":::8443").
            bool ipv6Any = address.Family == SocketTuple.FamilyInet6 && address.SourceIp.IndexOfAnyExcept((byte)0) < 0;
            fd.Kind = address.Family == SocketTuple.FamilyInet || ipv6Any ? FdKind.Ipv4ServerSocket : FdKind.Ipv6ServerSocket;
            fd.ServerIp = ipv6Any ? IPAddress.Any : ToAddress(fd.ServerIp, address.SourceIp);
            fd.ServerPort = address.SourcePort;
            fd.ClientIp = null;
            fd.ClientPort = 0;
            fd.Role = SocketRole.Server;
            fd.ServerTupleWritten = null;
            fd.Name = ipv6Any ? $":::{fd.ServerPort}" : $"{fd.ServerIp}:{fd.ServerPort}";
        }
        else if (address.Family == SocketTuple.FamilyUnix)
        {
            fd.Name = Encoding.UTF8.GetString(address.Path);
        }
    }

    public void ParseConnect(ScapEvent evt, ThreadInfo thread)
    {
        long res = ParamReader.Int(evt, Param.Res, -1);
        if ((res < 0 && res != DriverConstants.EinProgress) || thread.Fds.Find(ParamReader.Int(evt, Param.Fd, thread.LastEventFd)) is not { } fd)
        {
            return;
        }
        bool haveTuple = SocketTuple.TryParseTuple(evt.GetParam(ParamIndex.Of(evt.Type, Param.Tuple)), out SocketTuple tuple);
        if (haveTuple && tuple.IsInet && tuple.DestinationIp.IndexOfAnyExcept((byte)0) < 0 && tuple.DestinationPort == 0)
        {
            haveTuple = false; // an empty tuple: the kernel had no peer yet
        }
        if (haveTuple)
        {
            if (tuple.IsInet)
            {
                fd.Role = fd.Role == SocketRole.None ? SocketRole.Client : fd.Role;
                ApplyInetTuple(fd, tuple.Family, tuple.SourceIp, tuple.SourcePort, tuple.DestinationIp, tuple.DestinationPort,
                    localIsClient: fd.Role != SocketRole.Server, keepClient: false);
            }
            else if (tuple.Family == SocketTuple.FamilyUnix)
            {
                ApplyUnixTuple(fd, tuple);
            }
        }
        else if (SocketTuple.TryParseAddress(evt.GetParam(ParamIndex.Of(evt.Type, Param.Addr)), out SocketTuple address))
        {
            // Fall back to the address the process asked for.
            if (address.IsInet)
            {
                fd.Role = fd.Role == SocketRole.None ? SocketRole.Client : fd.Role;
                ApplyInetTuple(fd, address.Family, default, 0, address.SourceIp, address.SourcePort, localIsClient: true, keepClient: true);
            }
            else if (address.Family == SocketTuple.FamilyUnix)
            {
                fd.Name = Encoding.UTF8.GetString(address.Path);
            }
        }
        else
        {
            return;
        }
        fd.IsConnected = true;
    }

    private static void ApplyUnixTuple(FdInfo fd, in SocketTuple tuple)
    {
        fd.UnixSource = tuple.UnixSource;
        fd.UnixDestination = tuple.UnixDestination;
        fd.Name = $"{tuple.UnixSource:x}->{tuple.UnixDestination:x} {Encoding.UTF8.GetString(tuple.Path)}";
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
        if (fd.L4Proto == ScapL4Protocol.Unknown)
        {
            fd.L4Proto = ScapL4Protocol.Udp;
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
    /// socket sending to ::1 gets ::1 as its own address. Nothing changes when that gives the other end back with
    /// equal ports.
    /// </summary>
    private void InferMissingAddress(FdInfo fd)
    {
        if (fd.ClientIp is null || fd.ServerIp is null)
        {
            return;
        }
        bool clientMissing = IsUnspecified(fd.ClientIp);
        if (clientMissing == IsUnspecified(fd.ServerIp))
        {
            return;
        }
        IPAddress known = clientMissing ? fd.ServerIp : fd.ClientIp;
        IPAddress? inferred = interfaces.InferFor(known);
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

    public void ParseAccept(ScapEvent evt, ThreadInfo thread)
    {
        long fdNumber = ParamReader.Int(evt, Param.Fd, -1);
        if (fdNumber < 0)
        {
            return;
        }
        var fd = new FdInfo { Fd = fdNumber, Role = SocketRole.Server, IsConnected = true };
        if (SocketTuple.TryParseTuple(evt.GetParam(ParamIndex.Of(evt.Type, Param.Tuple)), out SocketTuple tuple))
        {
            if (tuple.IsInet)
            {
                fd.L4Proto = ScapL4Protocol.Tcp;
                // Inbound tuples are remote → local, i.e. client → server.
                ApplyInetTuple(fd, tuple.Family, tuple.SourceIp, tuple.SourcePort, tuple.DestinationIp, tuple.DestinationPort,
                    localIsClient: true, keepClient: false);
            }
            else if (tuple.Family == SocketTuple.FamilyUnix)
            {
                fd.Kind = FdKind.Unix;
                ApplyUnixTuple(fd, tuple);
            }
        }
        fd.IsCloexec = (ParamReader.Int(evt, Param.Flags, 0) & DriverConstants.SockCloexec) != 0;
        thread.Fds.Set(fd);
    }

    public void ParseClose(ScapEvent evt, ThreadInfo thread)
    {
        if (ParamReader.Int(evt, Param.Res, -1) < 0)
        {
            return;
        }
        long fdNumber = ParamReader.Int(evt, Param.Fd, -1);
        if (thread.Fds.Find(fdNumber) is null)
        {
            return;
        }
        // Removed before the next event: the close event itself still shows the fd.
        _pendingRemoval = thread.Fds;
        _pendingRemovalNumber = fdNumber;
    }

    public static void ParseDup(ScapEvent evt, ThreadInfo thread, bool dup3)
    {
        long res = ParamReader.Int(evt, Param.Res, -1);
        long oldFd = ParamReader.Int(evt, Param.OldFd, -1);
        if (res < 0 || res == oldFd || thread.Fds.Find(oldFd) is not { } source)
        {
            return;
        }
        FdInfo copy = source.Clone();
        copy.Fd = res;
        copy.IsCloexec = dup3 && (ParamReader.Int(evt, Param.Flags, 0) & PpmOpenFlags.Cloexec) != 0;
        copy.OpenFlags &= ~PpmOpenFlags.Cloexec;
        thread.Fds.Set(copy);
    }

    /// <summary>pipe/pipe2 (FIFO ends) and socketpair (unix socket ends): the two fds the call returns.</summary>
    public static void ParseFdPair(ScapEvent evt, ThreadInfo thread, bool socketPair)
    {
        if (ParamReader.Int(evt, Param.Res, -1) < 0)
        {
            return;
        }
        foreach (Param param in (ReadOnlySpan<Param>)[Param.Fd1, Param.Fd2])
        {
            long number = ParamReader.Int(evt, param, -1);
            if (number >= 0)
            {
                thread.Fds.Set(socketPair ? SocketPairEnd(evt, number) : PipeEnd(evt, number));
            }
        }
    }

    private static FdInfo PipeEnd(ScapEvent evt, long number) => new()
    {
        Fd = number,
        Kind = FdKind.Fifo,
        Ino = (ulong)ParamReader.Int(evt, Param.Ino, 0),
        IsCloexec = (ParamReader.Int(evt, Param.Flags, 0) & PpmOpenFlags.Cloexec) != 0,
    };

    private static FdInfo SocketPairEnd(ScapEvent evt, long number) => new()
    {
        Fd = number,
        Kind = ParamReader.Int(evt, Param.Domain, SocketTuple.FamilyUnix) == SocketTuple.FamilyUnix ? FdKind.Unix : FdKind.Unknown,
        UnixSource = (ulong)ParamReader.Int(evt, Param.Source, 0),
        UnixDestination = (ulong)ParamReader.Int(evt, Param.Peer, 0),
    };

    public void ParseSimpleFd(ScapEvent evt, ThreadInfo thread)
    {
        if (!evt.TryGetInt64(0, out long number) || number < 0)
        {
            return;
        }
        var fd = new FdInfo { Fd = number, Kind = EventActions.SimpleFdKind(evt.Type) };
        if (fd.Kind == FdKind.Memfd)
        {
            fd.Name = "memfd:" + reader.String(evt, Param.Name);
        }
        thread.Fds.Set(fd);
    }

    /// <summary>
    /// read/write/send*/recv* exit: success marks IP sockets connected; a tuple replaces the addresses of a socket
    /// without a name or not on TCP, with the role guessed when unknown.
    /// </summary>
    public void ParseReadWrite(ScapEvent evt, ThreadInfo thread, long fdNumber, bool hasTuple, bool incoming)
    {
        if (ParamReader.Int(evt, Param.Res, -1) < 0)
        {
            return;
        }
        FdInfo? fd = fdNumber >= 0 ? thread.Fds.Find(fdNumber) : null;
        bool haveTuple = SocketTuple.TryParseTuple(hasTuple ? evt.GetParam(ParamIndex.Of(evt.Type, Param.Tuple)) : default, out SocketTuple tuple);
        if (fd is null)
        {
            if (!haveTuple || incoming || !tuple.IsInet || fdNumber < 0)
            {
                return;
            }
            // A datagram socket we never saw created: add it as UDP.
            fd = new FdInfo { Fd = fdNumber, L4Proto = ScapL4Protocol.Udp };
            thread.Fds.Set(fd);
        }
        if (fd.IsIpSocket)
        {
            fd.IsConnected = true; // a server socket is not marked by the datagram that makes it a connection
        }
        if (!haveTuple || !tuple.IsInet || (fd.Name.Length > 0 && fd.IsTcp))
        {
            return;
        }
        if (fd.IsServerSocket)
        {
            if (tuple.Family == SocketTuple.FamilyInet6)
            {
                ApplyTupleToServerSocket(fd, tuple);
                return;
            }
            fd.Kind = FdKind.Ipv4Socket; // an IPv4 datagram turns a bound socket into a connection; the role stays
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

    /// <summary>
    /// An IPv6 datagram on a bound (server) socket: libsinsp writes the tuple over the server end it keeps for the
    /// socket, whose kind does not change, so the name becomes the tuple as written while the server address, port
    /// and protocol read back the bytes the tuple put in their place (for an IPv4 server, the first bytes of the
    /// tuple's source address; for an IPv6 server, the source address and then the destination's first bytes).
    /// Falco shows exactly these values; they are reproduced rather than corrected.
    /// </summary>
    private void ApplyTupleToServerSocket(FdInfo fd, in SocketTuple tuple)
    {
        // A server answering many datagrams from one peer sees the same tuple again: nothing to build then.
        Span<byte> raw = stackalloc byte[36];
        tuple.SourceIp.CopyTo(raw);
        tuple.DestinationIp.CopyTo(raw[16..]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(raw[32..], tuple.SourcePort);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(raw[34..], tuple.DestinationPort);
        if (fd.ServerTupleWritten is { } previous && raw.SequenceEqual(previous))
        {
            return;
        }
        fd.ServerTupleWritten = raw.ToArray();
        string text = $"{new IPAddress(tuple.SourceIp)}:{tuple.SourcePort}->{new IPAddress(tuple.DestinationIp)}:{tuple.DestinationPort}";
        if (fd.Kind == FdKind.Ipv4ServerSocket)
        {
            fd.ServerIp = ToAddress(fd.ServerIp, tuple.SourceIp[..4]);
            fd.ServerPort = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(tuple.SourceIp[4..]);
            fd.L4Proto = tuple.SourceIp[6];
        }
        else
        {
            fd.ServerIp = ToAddress(fd.ServerIp, tuple.SourceIp);
            fd.ServerPort = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(tuple.DestinationIp);
            fd.L4Proto = tuple.DestinationIp[2];
        }
        fd.Name = text;
    }

    /// <summary>libsinsp's role guess for a socket first seen in a send/recv: by the ports the process is bound to or uses.</summary>
    private static SocketRole GuessRole(ThreadInfo thread, ushort sourcePort, ushort destinationPort, bool incoming)
    {
        if (!HasSocket(thread, destinationPort, SocketRole.Server))
        {
            return SocketRole.Client;
        }
        if (!HasSocket(thread, sourcePort, SocketRole.Client))
        {
            return SocketRole.Server;
        }
        return incoming ? SocketRole.Server : SocketRole.Client;
    }

    /// <summary>
    /// Whether the process has a socket on <paramref name="port"/> in <paramref name="role"/>: a server (or bound)
    /// socket on that server port, or a client socket on that client port.
    /// </summary>
    private static bool HasSocket(ThreadInfo thread, ushort port, SocketRole role)
    {
        foreach (FdInfo fd in thread.Fds.All)
        {
            bool match = role == SocketRole.Server
                ? (fd.IsServerSocket || (fd.IsIpSocket && fd.Role == SocketRole.Server)) && fd.ServerPort == port
                : fd.IsIpSocket && fd.Role == SocketRole.Client && fd.ClientPort == port;
            if (match)
            {
                return true;
            }
        }
        return false;
    }
}
