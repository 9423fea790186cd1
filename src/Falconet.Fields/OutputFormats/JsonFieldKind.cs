namespace Falconet.Fields.OutputFormats;

/// <summary>The JSON kinds a field value takes in Falco's <c>output_fields</c>.</summary>
public enum JsonFieldKind
{
    /// <summary>A missing value.</summary>
    Null,
    /// <summary>Decimal integers and doubles.</summary>
    Number,
    /// <summary>Text, addresses, and integers printed in hex or octal.</summary>
    String,
    /// <summary>Booleans.</summary>
    Bool,
    /// <summary>List fields.</summary>
    Array,
}
