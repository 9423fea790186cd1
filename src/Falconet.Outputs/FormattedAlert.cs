using System.Text;
using Falconet.Core.Alerts;

namespace Falconet.Outputs;

/// <summary>An alert and the one message every sink receives for it (the text line, or the JSON object).</summary>
/// <param name="alert">The alert as the engine raised it.</param>
/// <param name="message">Its rendered line.</param>
/// <param name="isJson">Which shape the line has.</param>
public sealed class FormattedAlert(Alert alert, string message, bool isJson)
{
    private byte[]? _utf8;

    /// <summary>The alert as the engine raised it.</summary>
    public Alert Alert { get; } = alert;

    /// <summary>The rendered message, without a trailing newline.</summary>
    public string Message { get; } = message;

    /// <summary>True when <see cref="Message"/> is a JSON object (<c>json_output: true</c>).</summary>
    public bool IsJson { get; } = isJson;

    /// <summary>The message as UTF-8, encoded once and shared by the sinks that need bytes.</summary>
    public ReadOnlyMemory<byte> Utf8 => _utf8 ??= Encoding.UTF8.GetBytes(Message);
}
