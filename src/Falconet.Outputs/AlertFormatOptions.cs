namespace Falconet.Outputs;

/// <summary>
/// How alerts are rendered. Each property maps one falco.yaml key (defaults are Falco's).
/// </summary>
public sealed record AlertFormatOptions
{
    /// <summary><c>json_output</c> (false): one JSON object per alert instead of the text line.</summary>
    public bool JsonOutput { get; init; }

    /// <summary><c>json_include_output_property</c> (true): the full text line as <c>output</c>.</summary>
    public bool JsonIncludeOutputProperty { get; init; } = true;

    /// <summary><c>json_include_message_property</c> (false): the rule output without time/priority as <c>message</c>.</summary>
    public bool JsonIncludeMessageProperty { get; init; }

    /// <summary><c>json_include_output_fields_property</c> (true): the <c>output_fields</c> object.</summary>
    public bool JsonIncludeOutputFieldsProperty { get; init; } = true;

    /// <summary><c>json_include_tags_property</c> (true): the rule's tags, sorted, as <c>tags</c>.</summary>
    public bool JsonIncludeTagsProperty { get; init; } = true;

    /// <summary>
    /// <c>time_format_iso_8601</c> (false): prefix the text line with <c>evt.time.iso8601</c>
    /// (<c>YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000</c>) instead of <c>evt.time</c> (<c>HH:MM:SS.nnnnnnnnn</c>).
    /// </summary>
    public bool TimeFormatIso8601 { get; init; }
}
