using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Falconet.Core.Alerts;
using Falconet.Core.Text;

namespace Falconet.Outputs;

/// <summary>
/// Renders alerts the way Falco's outputs do: the text line <c>&lt;time&gt;: &lt;Priority&gt; &lt;output&gt;</c>
/// or the JSON object with alphabetically ordered keys.
/// </summary>
/// <remarks>
/// Times are always printed in UTC. Falco prints <c>evt.time</c> in the local time zone; Falconet does not,
/// so that its output does not depend on the machine's TZ (Falco's recorded outputs were made with TZ=UTC,
/// where both agree).
/// </remarks>
public sealed class AlertFormatter
{
    /// <summary>The <see cref="Alert.Source"/> of Falco's own alerts, which have their own shape.</summary>
    public const string InternalSource = "internal";

    private const ulong NanosecondsPerSecond = 1_000_000_000UL;

    // nlohmann::json writes UTF-8 unescaped (only quotes, backslashes and control characters are escaped);
    // the relaxed encoder is the closest match, and the output is not embedded in HTML.
    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    /// <summary>A formatter for one output configuration; not thread-safe (it reuses one buffer).</summary>
    public AlertFormatter(AlertFormatOptions options)
    {
        Options = options;
    }

    /// <summary>The settings it formats with.</summary>
    public AlertFormatOptions Options { get; }

    /// <summary>The message the sinks receive: JSON when <see cref="AlertFormatOptions.JsonOutput"/>, else the text line.</summary>
    /// <remarks>Not thread-safe: one formatter per thread (the output worker owns one).</remarks>
    public FormattedAlert Format(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        string message = Options.JsonOutput ? FormatJson(alert) : FormatText(alert);
        return new FormattedAlert(alert, message, Options.JsonOutput);
    }

    /// <summary>
    /// The text line. Rule alerts: <c>HH:MM:SS.nnnnnnnnn: Priority output</c> (ISO prefix with
    /// <c>time_format_iso_8601</c>). Internal alerts: <c>HH:MM:SS.nnnnnnnnn: Priority msg (k1=v1 k2=v2)</c> with
    /// each value printed as JSON, as Falco's <c>handle_msg</c> does (always the short time there).
    /// </summary>
    public string FormatText(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (IsInternal(alert))
        {
            return FormatInternalText(alert);
        }
        return EscapeControlCharacters(FormatFullOutput(alert));
    }

    /// <summary>The JSON object, keys in ordinal order as nlohmann::json emits them.</summary>
    public string FormatJson(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        _buffer.ResetWrittenCount();
        using (Utf8JsonWriter writer = new(_buffer, WriterOptions))
        {
            if (IsInternal(alert))
            {
                WriteInternalJson(writer, alert);
            }
            else
            {
                WriteRuleJson(writer, alert);
            }
        }
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    /// <summary><c>evt.time</c>: <c>HH:MM:SS.nnnnnnnnn</c> in UTC.</summary>
    public static string FormatClockTime(ulong timestampNs)
    {
        DateTime time = ToUtcDateTime(timestampNs);
        return string.Create(CultureInfo.InvariantCulture,
            $"{time.Hour:D2}:{time.Minute:D2}:{time.Second:D2}.{timestampNs % NanosecondsPerSecond:D9}");
    }

    /// <summary><c>evt.time.iso8601</c>: <c>YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000</c>.</summary>
    public static string FormatIso8601Time(ulong timestampNs) => FormatIsoDateTime(timestampNs) + "+0000";

    /// <summary>The JSON <c>time</c> property: <c>YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ</c>.</summary>
    public static string FormatJsonTime(ulong timestampNs) => FormatIsoDateTime(timestampNs) + "Z";

    private static string FormatIsoDateTime(ulong timestampNs)
    {
        DateTime time = ToUtcDateTime(timestampNs);
        return string.Create(CultureInfo.InvariantCulture,
            $"{time.Year:D4}-{time.Month:D2}-{time.Day:D2}T{time.Hour:D2}:{time.Minute:D2}:{time.Second:D2}.{timestampNs % NanosecondsPerSecond:D9}");
    }

    private static DateTime ToUtcDateTime(ulong timestampNs) =>
        DateTime.UnixEpoch.AddSeconds(timestampNs / NanosecondsPerSecond);

    private static bool IsInternal(Alert alert) => string.Equals(alert.Source, InternalSource, StringComparison.Ordinal);

    private string FormatPrefix(Alert alert)
    {
        string time = Options.TimeFormatIso8601 ? FormatIso8601Time(alert.TimestampNs) : FormatClockTime(alert.TimestampNs);
        return time + ": " + alert.Priority.ToDisplayName();
    }

    private string FormatFullOutput(Alert alert) => FormatPrefix(alert) + " " + alert.Output;

    private void WriteRuleJson(Utf8JsonWriter writer, Alert alert)
    {
        writer.WriteStartObject();
        if (alert.CaptureFile is { } captureFile)
        {
            // Keys are in name order; present only when a rule-triggered capture (capture.enabled) took this alert.
            writer.WriteString("capture_file", Sanitize(captureFile));
        }
        writer.WriteString("hostname", Sanitize(alert.Hostname));
        if (Options.JsonIncludeMessageProperty)
        {
            writer.WriteString("message", Sanitize(alert.Output));
        }
        if (Options.JsonIncludeOutputProperty)
        {
            writer.WriteString("output", Sanitize(FormatFullOutput(alert)));
        }
        if (Options.JsonIncludeOutputFieldsProperty && alert.OutputFieldsJson is not null)
        {
            writer.WritePropertyName("output_fields");
            // Falco merges the prefix's time field into output_fields as the integer timestamp.
            string timeField = Options.TimeFormatIso8601 ? "evt.time.iso8601" : "evt.time";
            WriteOutputFields(writer, alert.OutputFieldsJson, timeField, alert.TimestampNs);
        }
        writer.WriteString("priority", alert.Priority.ToDisplayName());
        writer.WriteString("rule", Sanitize(alert.Rule));
        writer.WriteString("source", Sanitize(alert.Source));
        if (Options.JsonIncludeTagsProperty)
        {
            writer.WriteStartArray("tags");
            foreach (string tag in SortedDistinct(alert.Tags))
            {
                writer.WriteStringValue(Sanitize(tag));
            }
            writer.WriteEndArray();
        }
        writer.WriteString("time", FormatJsonTime(alert.TimestampNs));
        writer.WriteEndObject();
    }

    // Falco's internal alerts (handle_msg) carry no tags and no message, and "output" is the bare message.
    private static void WriteInternalJson(Utf8JsonWriter writer, Alert alert)
    {
        writer.WriteStartObject();
        writer.WriteString("hostname", Sanitize(alert.Hostname));
        writer.WriteString("output", Sanitize(alert.Output));
        writer.WritePropertyName("output_fields");
        writer.WriteRawValue(alert.OutputFieldsJson ?? "{}");
        writer.WriteString("priority", alert.Priority.ToDisplayName());
        writer.WriteString("rule", Sanitize(alert.Rule));
        writer.WriteString("source", Sanitize(alert.Source));
        writer.WriteString("time", FormatJsonTime(alert.TimestampNs));
        writer.WriteEndObject();
    }

    private static void WriteOutputFields(Utf8JsonWriter writer, string outputFieldsJson, string timeField, ulong timestampNs)
    {
        using JsonDocument document = ParseOutputFields(outputFieldsJson);
        bool timeWritten = false;
        bool timePresent = document.RootElement.TryGetProperty(timeField, out _);
        writer.WriteStartObject();
        foreach (JsonProperty property in SortedProperties(document.RootElement))
        {
            if (!timeWritten && !timePresent && string.CompareOrdinal(property.Name, timeField) > 0)
            {
                writer.WriteNumber(timeField, timestampNs);
                timeWritten = true;
            }
            if (string.Equals(property.Name, timeField, StringComparison.Ordinal))
            {
                writer.WriteNumber(timeField, timestampNs);
                timeWritten = true;
                continue;
            }
            writer.WritePropertyName(property.Name);
            property.Value.WriteTo(writer);
        }
        if (!timeWritten)
        {
            writer.WriteNumber(timeField, timestampNs);
        }
        writer.WriteEndObject();
    }

    private static JsonDocument ParseOutputFields(string outputFieldsJson)
    {
        JsonDocument document = JsonDocument.Parse(outputFieldsJson);
        JsonValueKind kind = document.RootElement.ValueKind;
        if (kind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new ArgumentException("Alert.OutputFieldsJson must be a JSON object, got " + kind, nameof(outputFieldsJson));
        }
        return document;
    }

    private static List<JsonProperty> SortedProperties(JsonElement obj)
    {
        List<JsonProperty> properties = [];
        foreach (JsonProperty property in obj.EnumerateObject())
        {
            properties.Add(property);
        }
        // The engine promises sorted keys; sorting again keeps the output right even if it did not.
        properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return properties;
    }

    private static string[] SortedDistinct(IReadOnlyList<string> tags)
    {
        string[] sorted = [.. new SortedSet<string>(tags, StringComparer.Ordinal)];
        return sorted;
    }

    private static string FormatInternalText(Alert alert)
    {
        StringBuilder line = new();
        line.Append(FormatClockTime(alert.TimestampNs)).Append(": ").Append(alert.Priority.ToDisplayName())
            .Append(' ').Append(alert.Output).Append(" (");
        if (alert.OutputFieldsJson is not null)
        {
            using JsonDocument document = ParseOutputFields(alert.OutputFieldsJson);
            bool first = true;
            foreach (JsonProperty property in SortedProperties(document.RootElement))
            {
                if (!first)
                {
                    line.Append(' ');
                }
                first = false;
                line.Append(property.Name).Append('=').Append(property.Value.GetRawText());
            }
        }
        line.Append(')');
        return EscapeControlCharacters(line.ToString());
    }

    /// <summary>
    /// Falco 0.44 escapes control characters in text alerts so a field value cannot forge a line or a terminal
    /// sequence; they are written as JSON escapes. Lone surrogates (.NET's form of invalid UTF-8) become U+FFFD.
    /// </summary>
    internal static string EscapeControlCharacters(string text)
    {
        int first = IndexOfUnsafeChar(text);
        if (first < 0)
        {
            return text;
        }
        StringBuilder escaped = new(text.Length + 16);
        escaped.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (ShortEscapes.Of(c) is { } shortEscape)
            {
                escaped.Append(shortEscape);
            }
            else if (c < 0x20 || c == 0x7F)
            {
                escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                escaped.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                escaped.Append('\uFFFD');
            }
            else
            {
                escaped.Append(c);
            }
        }
        return escaped.ToString();
    }

    private static int IndexOfUnsafeChar(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 0x20 || c == 0x7F || char.IsSurrogate(c))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Replaces lone surrogates with U+FFFD, as nlohmann's <c>error_handler_t::replace</c> does for invalid UTF-8.</summary>
    private static string Sanitize(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                return ReplaceLoneSurrogates(text);
            }
        }
        return text;
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        StringBuilder builder = new(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else
            {
                builder.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return builder.ToString();
    }
}
