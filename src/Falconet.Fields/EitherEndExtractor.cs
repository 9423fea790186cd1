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
            return false;
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
