using System.Buffers.Binary;
using System.Net;
using System.Text;
using Falconet.Fields.Caching;

namespace Falconet.Fields;

/// <summary>
/// The fdlist.* fields of poll and ppoll: one entry per fd of the <c>fds</c> argument, comma separated, as libsinsp
/// builds them (fds the thread does not have print <c>&lt;NA&gt;</c> in fdlist.names; the address and port lists skip
/// fds that are not connected IP sockets; a list left empty is no value).
/// </summary>
internal static class FdListFields
{
    // Each entry of a PT_FDLIST is an 8-byte fd and a 2-byte flags word, after a 2-byte count.
    private const int EntrySize = 10;

    private static readonly bool[] s_pollTypes = PollTypes();

    private enum Part
    {
        Numbers,
        Names,
        ClientIps,
        ServerIps,
        ClientPorts,
        ServerPorts,
    }

    public static void Register(FieldRegistry registry)
    {
        Add(registry, "fdlist.nums", "for poll events, this is a comma-separated list of the FD numbers in the 'fds' argument, returned as a string.", Part.Numbers);
        Add(registry, "fdlist.names", "for poll events, this is a comma-separated list of the FD names in the 'fds' argument, returned as a string.", Part.Names);
        Add(registry, "fdlist.cips", "for poll events, this is a comma-separated list of the client IP addresses in the 'fds' argument, returned as a string.", Part.ClientIps);
        Add(registry, "fdlist.sips", "for poll events, this is a comma-separated list of the server IP addresses in the 'fds' argument, returned as a string.", Part.ServerIps);
        Add(registry, "fdlist.cports", "for TCP/UDP FDs, for poll events, this is a comma-separated list of the client TCP/UDP ports in the 'fds' argument, returned as a string.", Part.ClientPorts);
        Add(registry, "fdlist.sports", "for poll events, this is a comma-separated list of the server TCP/UDP ports in the 'fds' argument, returned as a string.", Part.ServerPorts);
    }

    private static bool[] PollTypes()
    {
        var types = new bool[EventTable.All.Count];
        foreach (string name in (ReadOnlySpan<string>)["poll", "ppoll"])
        {
            foreach (ushort id in EventTable.IdsByName(name))
            {
                types[id] = true;
            }
        }
        return types;
    }

    private static void Add(FieldRegistry registry, string name, string description, Part part) =>
        registry.Add(name, ParamType.Charbuf, description, FieldArgumentMode.None, FieldFlags.None, _ =>
        {
            var text = new StringBuilder(128);
            var texts = new TextCache();
            return (EventContext c, ref FieldValue v) => Extract(c, part, text, texts, ref v);
        }, format: ParamFormat.Dec);

    private static bool Extract(EventContext c, Part part, StringBuilder text, TextCache texts, ref FieldValue v)
    {
        ScapEvent evt = c.Event;
        if (!s_pollTypes[evt.Type] || c.Thread is not { } thread)
        {
            return false;
        }
        int index = evt.IsEnter ? 0 : 1;
        if (index >= evt.ParamCount)
        {
            return false;
        }
        ReadOnlySpan<byte> fds = evt.GetParam(index);
        if (fds.Length < 2)
        {
            return false;
        }
        int count = BinaryPrimitives.ReadUInt16LittleEndian(fds);
        text.Clear();
        Span<char> address = stackalloc char[64];
        for (int i = 0, pos = 2; i < count && pos + EntrySize <= fds.Length; i++, pos += EntrySize)
        {
            long number = BinaryPrimitives.ReadInt64LittleEndian(fds[pos..]);
            FdInfo? fd = thread.Fds.Find(number);
            bool added = true;
            switch (part)
            {
                case Part.Numbers:
                    text.Append(number);
                    break;
                case Part.Names:
                    text.Append(fd is { Name.Length: > 0 } named ? named.Name : "<NA>");
                    break;
                case Part.ClientIps:
                    added = fd is { Kind: FdKind.Ipv4Socket or FdKind.Ipv6Socket } && AppendAddress(text, fd.ClientIp, fd.Kind, address);
                    break;
                case Part.ServerIps:
                    added = fd is { Kind: FdKind.Ipv4Socket or FdKind.Ipv6Socket or FdKind.Ipv4ServerSocket or FdKind.Ipv6ServerSocket }
                        && AppendAddress(text, fd.ServerIp, fd.Kind, address);
                    break;
                case Part.ClientPorts:
                    added = fd is { Kind: FdKind.Ipv4Socket or FdKind.Ipv6Socket };
                    if (added)
                    {
                        text.Append(fd!.ClientPort);
                    }
                    break;
                default:
                    added = fd is { Kind: FdKind.Ipv4Socket or FdKind.Ipv6Socket };
                    if (added)
                    {
                        text.Append(fd!.ServerPort);
                    }
                    break;
            }
            if (added)
            {
                text.Append(',');
            }
        }
        if (text.Length == 0)
        {
            return false;
        }
        text.Length--; // the last separator
        v.String = texts.Get(text);
        return true;
    }

    private static bool AppendAddress(StringBuilder text, IPAddress? ip, FdKind kind, Span<char> buffer)
    {
        IPAddress shown = ip ?? (kind is FdKind.Ipv6Socket or FdKind.Ipv6ServerSocket ? IPAddress.IPv6Any : IPAddress.Any);
        if (shown.TryFormat(buffer, out int written))
        {
            text.Append(buffer[..written]);
        }
        return true;
    }
}
