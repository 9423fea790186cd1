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
