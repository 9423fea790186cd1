using System.Net;

namespace Falconet.Fields;

/// <summary>
/// fd.ip / fd.port / fd.proto / fd.net: both ends for the condition engine (<see cref="IEitherEndExtractor"/>);
/// a plain <see cref="FieldExtractor.TryExtract"/> gives the server end.
/// </summary>
internal sealed class EitherEndExtractor(FieldDescriptor field, bool ports) : FieldExtractor(field), IEitherEndExtractor
{
    public override bool TryExtract(EventContext context, ref FieldValue value) => TryExtractServer(context, ref value);

    public bool TryExtractClient(EventContext context, ref FieldValue value) => TryEnd(context, ConnectionEnd.Client, ref value);

    public bool TryExtractServer(EventContext context, ref FieldValue value) => TryEnd(context, ConnectionEnd.Server, ref value);

    private bool TryEnd(EventContext context, ConnectionEnd end, ref FieldValue value)
    {
        if (!FdFields.TryGetEnd(context, end, out IPAddress? ip, out ushort port))
        {
            // libsinsp compares these against the socket's stored tuple whatever its state: an IP socket with no
            // peer yet (right after socket()) has the any address of its family and port 0 at both ends.
            if (context.Fd is not { IsIpSocket: true, Role: SocketRole.None } fd)
            {
                return false;
            }
            ip = fd.Kind == FdKind.Ipv4Socket ? IPAddress.Any : IPAddress.IPv6Any;
            port = 0;
        }
        if (ports)
        {
            value.Int = port;
        }
        else
        {
            value.Ip = ip;
        }
        return true;
    }
}
