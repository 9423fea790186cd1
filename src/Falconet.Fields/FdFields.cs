using System.Globalization;
using System.Net;
using Falconet.Core.Snapshot;
using Falconet.Fields.ArgumentRendering;
using Falconet.Fields.Caching;
using Falconet.Fields.OutputFormats;
using static Falconet.Fields.FieldValues;

namespace Falconet.Fields;

/// <summary>The fd.* and fs.path.* fields (libsinsp semantics; the client/server ends of a socket follow its role, not the event direction).</summary>
internal static class FdFields
{
    private const string NotAvailable = FieldValueFormatter.NotAvailable;

    public static void Register(FieldRegistry registry)
    {
        registry.Add("fd.num", ParamType.Int64, "The fd number the event refers to (-1 when the syscall failed to create one).",
            (EventContext c, ref FieldValue v) => HasFd(c) && Int(c.FdNumber, ref v));
        registry.Add("fd.type", ParamType.Charbuf, "The type of the fd: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, eventpoll, inotify, timerfd, netlink, bpf, userfaultfd, io_uring, memfd, pidfd.",
            (EventContext c, ref FieldValue v) => Str(c.Fd is { } fd ? FdChars.TypeName(fd.Kind) : null, ref v));
        registry.Add("fd.typechar", ParamType.Charbuf, "The type of the fd as one character (f file, 4 ipv4, 6 ipv6, u unix, p pipe, e eventfd, …; o unknown).",
            (EventContext c, ref FieldValue v) => HasFd(c) && Str(c.Fd is { } fd ? FdChars.TypeCharText(fd.Kind) : "o", ref v));
        registry.Add("fd.name", ParamType.Charbuf, "The name of the fd: full path for files, client:port->server:port for IP sockets, the path for unix sockets.",
            FieldArgumentMode.None, FieldFlags.None, _ =>
            {
                var paths = new PathTexts();
                return (EventContext c, ref FieldValue v) => HasFd(c) && Str(c.Fd?.Name ?? NameFromEvent(c, paths), ref v);
            });
        registry.Add("fd.directory", ParamType.Charbuf, "The directory part of a file fd's path.", FieldArgumentMode.None, FieldFlags.None, _ =>
        {
            var paths = new PathTexts();
            return (EventContext c, ref FieldValue v) => HasFd(c) && Str(Directory(c, paths), ref v);
        });
        registry.Add("fd.filename", ParamType.Charbuf, "The file name part of a file fd's path.",
            (EventContext c, ref FieldValue v) => Str(c.Fd is { Kind: FdKind.File } fd ? fd.FileName : null, ref v));
        registry.Add("fd.nameraw", ParamType.Charbuf, "The path of a file fd as the process gave it.",
            (EventContext c, ref FieldValue v) => Str(c.Fd?.NameRaw, ref v));

        registry.Add("fd.uid", ParamType.Charbuf, "a unique identifier for the FD, created by chaining the thread ID and the FD number.",
            FieldArgumentMode.None, FieldFlags.None, _ =>
            {
                var texts = new TextCache();
                return (EventContext c, ref FieldValue v) => HasFd(c) && Str(FdUid(c, texts), ref v);
            });
        AddContainerChain(registry, "fd.containername", "chaining of the container ID and the FD name.",
            static (c, paths) => c.Fd?.Name ?? NameFromEvent(c, paths));
        AddContainerChain(registry, "fd.containerdirectory", "chaining of the container ID and the directory name.",
            static (c, paths) => c.Fd is null ? FdInfo.DirectoryOf(NameFromEvent(c, paths)) : Directory(c, paths));

        AddEitherEnd(registry, "fd.ip", ParamType.Ipaddr, "Either IP of the connection (filter only): matches when the client or the server IP does.", ports: false);
        AddEnd(registry, "fd.cip", ParamType.Ipaddr, "The client IP address.", ConnectionEnd.Client, ports: false);
        AddEnd(registry, "fd.sip", ParamType.Ipaddr, "The server IP address.", ConnectionEnd.Server, ports: false);
        AddEnd(registry, "fd.lip", ParamType.Ipaddr, "The local IP address.", ConnectionEnd.Local, ports: false);
        AddEnd(registry, "fd.rip", ParamType.Ipaddr, "The remote IP address.", ConnectionEnd.Remote, ports: false);
        AddEitherEnd(registry, "fd.port", ParamType.Port, "Either port of the connection (filter only): matches when the client or the server port does.", ports: true);
        AddEnd(registry, "fd.cport", ParamType.Port, "The client port.", ConnectionEnd.Client, ports: true);
        AddEnd(registry, "fd.sport", ParamType.Port, "The server port.", ConnectionEnd.Server, ports: true);
        AddEnd(registry, "fd.lport", ParamType.Port, "The local port.", ConnectionEnd.Local, ports: true);
        AddEnd(registry, "fd.rport", ParamType.Port, "The remote port.", ConnectionEnd.Remote, ports: true);
        AddEitherEnd(registry, "fd.proto", ParamType.Port, "Either port of the connection by protocol name (filter only; ports are not resolved to names).", ports: true);
        AddEnd(registry, "fd.cproto", ParamType.Charbuf, "The client port as text (no service-name resolution, as Falco runs).", ConnectionEnd.Client, ports: true, asText: true);
        AddEnd(registry, "fd.sproto", ParamType.Charbuf, "The server port as text.", ConnectionEnd.Server, ports: true, asText: true);
        AddEnd(registry, "fd.lproto", ParamType.Charbuf, "The local port as text.", ConnectionEnd.Local, ports: true, asText: true);
        AddEnd(registry, "fd.rproto", ParamType.Charbuf, "The remote port as text.", ConnectionEnd.Remote, ports: true, asText: true);
        AddEitherEnd(registry, "fd.net", ParamType.Ipnet, "Either IP of the connection, to compare with a CIDR (filter only).", ports: false);
        const FieldFlags netFlags = FieldFlags.FilterOnly | FieldFlags.NoRhs | FieldFlags.NoTransformer;
        AddEnd(registry, "fd.cnet", ParamType.Ipnet, "The client IP, to compare with a CIDR (filter only).", ConnectionEnd.Client, ports: false, flags: netFlags);
        AddEnd(registry, "fd.snet", ParamType.Ipnet, "The server IP, to compare with a CIDR (filter only).", ConnectionEnd.Server, ports: false, flags: netFlags);
        AddEnd(registry, "fd.lnet", ParamType.Ipnet, "The local IP, to compare with a CIDR (filter only).", ConnectionEnd.Local, ports: false, flags: netFlags);
        AddEnd(registry, "fd.rnet", ParamType.Ipnet, "The remote IP, to compare with a CIDR (filter only).", ConnectionEnd.Remote, ports: false, flags: netFlags);

        registry.Add("fd.l4proto", ParamType.Charbuf, "The layer-4 protocol of a socket: tcp, udp, icmp or raw; <NA> when unknown or not a socket.",
            (EventContext c, ref FieldValue v) => Str(c.Fd is { } fd ? L4ProtoName(fd) : null, ref v));
        registry.Add("fd.sockfamily", ParamType.Charbuf, "The socket family: ip or unix.",
            (EventContext c, ref FieldValue v) => Str(c.Fd switch
            {
                { IsIpSocket: true } or { IsServerSocket: true } => "ip",
                { Kind: FdKind.Unix } => "unix",
                _ => null,
            }, ref v));
        registry.Add("fd.is_server", ParamType.Bool, "True when this process is the server end of the socket.",
            (EventContext c, ref FieldValue v) => Bool(c.Fd is { } fd ? IsServer(c.State, fd) : null, ref v));
        registry.Add("fd.connected", ParamType.Bool, "True once the socket is connected (connect, accept, or a successful send/receive).",
            (EventContext c, ref FieldValue v) => Bool(c.Fd?.IsConnected, ref v));
        registry.Add("fd.name_changed", ParamType.Bool, "True when this event changed the fd's name (e.g. a UDP socket getting a new peer).",
            (EventContext c, ref FieldValue v) => Bool(c.Fd is null ? null : c.FdNameChanged, ref v));
        DomainNameFields.Register(registry);
        registry.Add("fd.dev", ParamType.Int32, "The device number of a file fd.",
            (EventContext c, ref FieldValue v) => Int(c.Fd?.Dev, ref v));
        registry.Add("fd.dev.major", ParamType.Int32, "The major device number of a file fd.",
            (EventContext c, ref FieldValue v) => Int(c.Fd is { } fd ? (fd.Dev >> 8) & 0xfff : null, ref v));
        registry.Add("fd.dev.minor", ParamType.Int32, "The minor device number of a file fd.",
            (EventContext c, ref FieldValue v) => Int(c.Fd is { } fd ? (fd.Dev & 0xff) | ((fd.Dev >> 12) & 0xfff00) : null, ref v));
        registry.Add("fd.ino", ParamType.Int64, "The inode number of the fd (0 when the event did not report it).",
            (EventContext c, ref FieldValue v) => Int(c.Fd is { } fd ? (long)fd.Ino : null, ref v));
        AddTypes(registry);
        // libsinsp answers for every fd, false for those not opened from an overlay (sockets, pipes, the snapshot's).
        registry.Add("fd.is_upper_layer", ParamType.Bool, "'true' if the fd is of a file in the upper layer of an overlayfs.",
            (EventContext c, ref FieldValue v) => c.Fd is { } fd && Bool(fd.IsUpperLayer, ref v));
        registry.Add("fd.is_lower_layer", ParamType.Bool, "'true' if the fd is of a file in the lower layer of an overlayfs.",
            (EventContext c, ref FieldValue v) => c.Fd is { } fd && Bool(fd.IsLowerLayer, ref v));

        AddPath(registry, "fs.path.name", "The path a path-based syscall (open, mkdir, unlink, chmod …) acts on, made absolute.", PathRole.Name, resolve: true);
        AddPath(registry, "fs.path.nameraw", "The path a path-based syscall acts on, as given.", PathRole.Name, resolve: false);
        AddPath(registry, "fs.path.source", "The source path of rename/link/symlink, made absolute.", PathRole.Source, resolve: true);
        AddPath(registry, "fs.path.sourceraw", "The source path of rename/link/symlink, as given.", PathRole.Source, resolve: false);
        AddPath(registry, "fs.path.target", "The target path of rename/link/symlink, made absolute.", PathRole.Target, resolve: true);
        AddPath(registry, "fs.path.targetraw", "The target path of rename/link/symlink, as given.", PathRole.Target, resolve: false);
    }

    // ---- fd helpers -----------------------------------------------------------------------------------

    private const EventFlags FdEventFlags = EventFlags.CreatesFd | EventFlags.UsesFd | EventFlags.DestroysFd;

    /// <summary>Only events that create, use or destroy an fd have fd fields.</summary>
    private static bool HasFd(EventContext c) => c.Thread is not null && (c.Event.Info.Flags & FdEventFlags) != 0;

    /// <summary>The thread id followed by the fd number, both in decimal (-1 when the event has none).</summary>
    private static string FdUid(EventContext c, TextCache texts)
    {
        Span<char> buffer = stackalloc char[40];
        c.Thread!.Tid.TryFormat(buffer, out int written, provider: CultureInfo.InvariantCulture);
        c.FdNumber.TryFormat(buffer[written..], out int more, provider: CultureInfo.InvariantCulture);
        return texts.Get(buffer[..(written + more)]);
    }

    /// <summary>A field of <c>container.id:text</c>, the text of the fd (or of the event) that <paramref name="textOf"/> gives.</summary>
    private static void AddContainerChain(FieldRegistry registry, string name, string description, Func<EventContext, PathTexts, string?> textOf) =>
        registry.Add(name, ParamType.Charbuf, description, FieldArgumentMode.None, FieldFlags.None, _ =>
        {
            var paths = new PathTexts();
            var texts = new TextCache();
            var text = new System.Text.StringBuilder();
            return (EventContext c, ref FieldValue v) => HasFd(c) && Str(ContainerChain(c, textOf(c, paths), texts, text), ref v);
        });

    /// <summary><c>container.id:text</c>, the container id empty on the host; null when the text is.</summary>
    private static string? ContainerChain(EventContext c, string? text, TextCache texts, System.Text.StringBuilder builder)
    {
        if (text is null)
        {
            return null;
        }
        builder.Clear().Append(c.Thread!.ContainerId).Append(':').Append(text);
        return texts.Get(builder);
    }

    private static string L4ProtoName(FdInfo fd)
    {
        if (!fd.IsIpSocket && !fd.IsServerSocket)
        {
            return NotAvailable;
        }
        if (fd.IsIpSocket && fd.Role == SocketRole.None)
        {
            return NotAvailable;
        }
        return fd.L4Proto switch
        {
            ScapL4Protocol.Tcp => "tcp",
            ScapL4Protocol.Udp => "udp",
            ScapL4Protocol.Icmp => "icmp",
            ScapL4Protocol.Raw => "raw",
            _ => NotAvailable,
        };
    }

    /// <summary>Without fd info the name comes from the event: the path an open-family call asked for, else empty.</summary>
    private static string NameFromEvent(EventContext c, PathTexts paths) =>
        PathParameters.IsOpenFamily(c.Event.Type) && PathOf(c, PathRole.Name, resolve: true, paths) is { } path ? path : "";

    private static string? Directory(EventContext c, PathTexts paths)
    {
        if (c.Fd is { } fd)
        {
            return fd.Kind is FdKind.File or FdKind.Directory ? fd.Directory : null;
        }
        return paths.DirectoryOf(NameFromEvent(c, paths));
    }

    private static bool IsServer(SystemState state, FdInfo fd)
    {
        if (fd.IsServerSocket)
        {
            return true;
        }
        if (!fd.IsIpSocket)
        {
            return false;
        }
        IPAddress server = fd.ServerIp ?? (fd.Kind == FdKind.Ipv4Socket ? IPAddress.Any : IPAddress.IPv6Any);
        return state.IsLocalAddress(server);
    }

    // ---- connection ends --------------------------------------------------------------------------------

    /// <summary>
    /// The address and port of one end. Connected IP sockets need a role; a listening socket has only the server end.
    /// Local/remote: the client is local when its IP is this machine's, else the server is.
    /// </summary>
    internal static bool TryGetEnd(EventContext c, ConnectionEnd end, out IPAddress? ip, out ushort port)
    {
        ip = null;
        port = 0;
        if (c.Fd is not { } fd)
        {
            return false;
        }
        if (fd.IsServerSocket)
        {
            if (end != ConnectionEnd.Server)
            {
                return false;
            }
            ip = fd.ServerIp;
            port = fd.ServerPort;
            return ip is not null;
        }
        if (!fd.IsIpSocket || fd.Role == SocketRole.None || fd.ClientIp is null || fd.ServerIp is null)
        {
            return false;
        }
        bool client = end switch
        {
            ConnectionEnd.Client => true,
            ConnectionEnd.Server => false,
            ConnectionEnd.Local => c.State.IsLocalAddress(fd.ClientIp),
            _ => !c.State.IsLocalAddress(fd.ClientIp),
        };
        ip = client ? fd.ClientIp : fd.ServerIp;
        port = client ? fd.ClientPort : fd.ServerPort;
        return true;
    }

    private static void AddEnd(FieldRegistry registry, string name, ParamType type, string description, ConnectionEnd end, bool ports,
        bool asText = false, FieldFlags flags = FieldFlags.None) =>
        registry.Add(name, type, description, (EventContext c, ref FieldValue v) =>
        {
            if (asText && end is ConnectionEnd.Client or ConnectionEnd.Server && c.Fd is { IsServerSocket: true })
            {
                v.String = ""; // Falco names no protocol for either end of a bound socket, not even its own port
                return true;
            }
            if (!TryGetEnd(c, end, out IPAddress? ip, out ushort port))
            {
                return false;
            }
            if (!ports)
            {
                v.Ip = ip;
            }
            else if (asText)
            {
                v.String = PortText(port);
            }
            else
            {
                v.Int = port;
            }
            return true;
        }, flags);

    private static void AddEitherEnd(FieldRegistry registry, string name, ParamType type, string description, bool ports) =>
        registry.Add(new FieldDescriptor(name, type, description, (field, _) => new EitherEndExtractor(field, ports),
            FieldArgumentMode.None, FieldFlags.FilterOnly | FieldFlags.NoRhs | FieldFlags.NoTransformer));

    private static readonly string?[] s_portText = new string?[65536];

    private static string PortText(ushort port) => s_portText[port] ??= port.ToString(CultureInfo.InvariantCulture);

    private static void AddTypes(FieldRegistry registry) =>
        registry.Add("fd.types", ParamType.Charbuf, "The distinct types of the fds the process has open; fd.types[N] is the type of fd N.",
            FieldArgumentMode.Optional, FieldFlags.IsList | FieldFlags.NoRhs, argument =>
            {
                long fdNumber = FieldArguments.OptionalIndex("fd.types", argument, "fd");
                if (fdNumber >= 0)
                {
                    return (EventContext c, ref FieldValue v) =>
                        c.Thread is not null && Str(c.Thread.Fds.Find(fdNumber) is { } one ? FdChars.TypeName(one.Kind) : null, ref v);
                }
                var types = new FdTypeLists();
                return (EventContext c, ref FieldValue v) => c.Thread is not null && types.Extract(c.Thread.Fds, ref v);
            });

    // ---- fs.path ---------------------------------------------------------------------------------------

    private static void AddPath(FieldRegistry registry, string name, string description, PathRole role, bool resolve) =>
        registry.Add(name, ParamType.Charbuf, description, FieldArgumentMode.None, FieldFlags.None, _ =>
        {
            var paths = new PathTexts();
            return (EventContext c, ref FieldValue v) => Str(PathOf(c, role, resolve, paths), ref v);
        });

    private static string? PathOf(EventContext c, PathRole role, bool resolve, PathTexts paths)
    {
        ScapEvent evt = c.Event;
        int index = PathParameters.IndexOf(evt.Type, role);
        if (index < 0 || !evt.HasParam(index))
        {
            return null;
        }
        bool openFamily = PathParameters.IsOpenFamily(evt.Type);
        if (role == PathRole.Name && resolve && openFamily && c.Fd is { } fd && fd.NameRaw.Length > 0
            && evt.GetStringBytes(index).Length == fd.NameRaw.Length)
        {
            return fd.Name; // the fd this open created already holds the resolved path
        }
        string raw = paths.Decode(evt.GetStringBytes(index));
        if (!resolve || c.Thread is null)
        {
            return raw;
        }
        // symlink's target is stored as given: it is resolved relative to the link, not the cwd.
        if (role == PathRole.Source && PathParameters.IsSymlink(evt.Type))
        {
            return raw;
        }
        ParamInfo param = evt.Info.Parameters[index];
        long dirFd = WireConstants.AtFdCwd;
        if (param.DirFdParam >= 0 && evt.TryGetInt64(param.DirFdParam, out long d))
        {
            dirFd = d;
        }
        return paths.Resolve(c.State, c.Thread, dirFd, raw);
    }
}
