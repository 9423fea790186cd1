namespace Falconet.Fields;

/// <summary>Which end of a connection an <c>fd.*</c> address field names.</summary>
internal enum ConnectionEnd : byte
{
    Client,
    Server,
    Local,
    Remote,
}
