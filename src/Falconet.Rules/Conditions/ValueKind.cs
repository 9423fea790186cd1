namespace Falconet.Rules.Conditions;

/// <summary>How values of a field type compare (Falco's type families: strings, numbers, bool, IP address, IP network, bytes).</summary>
public enum ValueKind
{
    /// <summary>Text values.</summary>
    String,
    /// <summary>Byte buffers, compared as text or with the b* operators.</summary>
    Bytes,
    /// <summary>Signed integers.</summary>
    Signed,
    /// <summary>Unsigned integers (ports, ids, flags).</summary>
    Unsigned,
    /// <summary>Booleans, written <c>true</c>/<c>false</c>.</summary>
    Bool,
    /// <summary>IPv4 or IPv6 addresses.</summary>
    Ip,
    /// <summary>Networks in CIDR form.</summary>
    Net,
    /// <summary>Floating-point numbers.</summary>
    Double,
    /// <summary>Types conditions cannot compare.</summary>
    Unsupported,
}
