namespace Falconet.Fields.OutputFormats;

/// <summary>Per-field departures from the type-driven output rules (libsinsp's <c>extract_as_js</c> and print formats).</summary>
[Flags]
public enum FieldOutputStyle
{
    /// <summary>The plain rules of the field's type.</summary>
    None = 0,

    /// <summary>JSON <c>output_fields</c> writes <see cref="FieldValue.Int"/> as a number whatever the field type (evt.time is a string in text, the ns timestamp in JSON).</summary>
    JsonInteger = 1,

    /// <summary>Text is the integer zero-padded to 9 digits (libs' PF_10_PADDED_DEC, e.g. <c>evt.rawtime.ns</c>).</summary>
    TextZeroPadded = 2,
}

