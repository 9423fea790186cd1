namespace Falconet.Core.Alerts;

/// <summary>
/// One alert, fully rendered on the event thread so that outputs never touch event state.
/// </summary>
/// <param name="TimestampNs">Event time, ns since the Unix epoch.</param>
/// <param name="Priority">The rule's priority.</param>
/// <param name="Rule">The rule name.</param>
/// <param name="Output">The rule output rendered (without the time/priority prefix).</param>
/// <param name="OutputFieldsJson">The <c>output_fields</c> object as UTF-8 JSON text (keys sorted), or null when not wanted.</param>
/// <param name="Source">"syscall" for rule alerts, "internal" for Falconet's own alerts (drops, …).</param>
/// <param name="Tags">The rule's tags.</param>
/// <param name="Hostname">The host the event came from.</param>
public sealed record Alert(
    ulong TimestampNs,
    Priority Priority,
    string Rule,
    string Output,
    string? OutputFieldsJson,
    string Source,
    IReadOnlyList<string> Tags,
    string Hostname)
{
    /// <summary>The capture file a rule-triggered capture writes the events around this alert to; null when none.</summary>
    public string? CaptureFile { get; init; }
}
