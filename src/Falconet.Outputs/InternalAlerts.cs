using System.Buffers;
using System.Text;
using System.Text.Json;
using Falconet.Core.Alerts;

namespace Falconet.Outputs;

/// <summary>
/// Falco's own (non-rule) alerts: <c>source: "internal"</c>, a fixed rule name, a message and flat key/value
/// fields. <see cref="AlertFormatter"/> renders them as Falco's <c>handle_msg</c> does:
/// text <c>&lt;time&gt;: &lt;Priority&gt; &lt;msg&gt; (k1=v1 k2=v2)</c> with JSON-printed values, and JSON without
/// tags where <c>output</c> is the bare message.
/// </summary>
public static class InternalAlerts
{
    /// <summary>Rule name of the alert about dropped syscall events.</summary>
    public const string SyscallEventDropRule = "Falco internal: syscall event drop";
    /// <summary>Rule name of the periodic metrics alert.</summary>
    public const string MetricsSnapshotRule = "Falco internal: metrics snapshot";
    /// <summary>Rule name of the alert about event read timeouts.</summary>
    public const string TimeoutsNotificationRule = "Falco internal: timeouts notification";
    /// <summary>Rule name of the alert about the capture reaching its size limit.</summary>
    public const string CaptureSizeLimitRule = "Falco internal: capture size limit reached";
    /// <summary>Rule name of the alert about a failed hot restart.</summary>
    public const string HotRestartFailureRule = "Falco internal: hot restart failure";

    /// <summary>
    /// Builds an internal alert. Field values must be primitives (string, bool, integers, floating point, null),
    /// as Falco requires; keys are emitted sorted.
    /// </summary>
    public static Alert Create(
        ulong timestampNs,
        Priority priority,
        string rule,
        string message,
        IEnumerable<KeyValuePair<string, object?>> fields,
        string hostname)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return new Alert(timestampNs, priority, rule, message, FieldsToJson(fields), AlertFormatter.InternalSource, [], hostname);
    }

    private static string FieldsToJson(IEnumerable<KeyValuePair<string, object?>> fields)
    {
        SortedDictionary<string, object?> sorted = new(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> field in fields)
        {
            sorted[field.Key] = field.Value;
        }
        ArrayBufferWriter<byte> buffer = new(256);
        using (Utf8JsonWriter writer = new(buffer, AlertFormatter.WriterOptions))
        {
            writer.WriteStartObject();
            foreach (KeyValuePair<string, object?> field in sorted)
            {
                writer.WritePropertyName(field.Key);
                WriteValue(writer, field.Key, field.Value);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteValue(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case long l: writer.WriteNumberValue(l); break;
            case ulong ul: writer.WriteNumberValue(ul); break;
            case int i: writer.WriteNumberValue(i); break;
            case uint ui: writer.WriteNumberValue(ui); break;
            case double d: writer.WriteNumberValue(d); break;
            case float f: writer.WriteNumberValue(f); break;
            default:
                throw new ArgumentException("internal alert field '" + key + "' must be a primitive value, got " + value.GetType().Name, nameof(value));
        }
    }
}
