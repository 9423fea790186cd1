using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Falconet.Core.Events;

namespace Falconet.Rules.Conditions;

/// <summary>How values of a field type compare (the families of falco-reference §2.3).</summary>
public enum ValueKind
{
    String,
    Bytes,
    Signed,
    Unsigned,
    Bool,
    Ip,
    Net,
    Double,
    Unsupported,
}
