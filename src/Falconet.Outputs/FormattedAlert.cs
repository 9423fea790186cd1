using System.Text;
using Falconet.Core.Alerts;

namespace Falconet.Outputs;

/// <summary>An alert and the one message every sink receives for it (the text line, or the JSON object).</summary>
public sealed class FormattedAlert
{
    private byte[]? _utf8;

    /// <summary>Wraps an alert with its rendered line; <paramref name="isJson"/> tells which shape the line has.</summary>
    public FormattedAlert(Alert alert, string message, bool isJson)
    {
        Alert = alert;
        Message = message;
        IsJson = isJson;
    }

    /// <summary>The alert as the engine raised it.</summary>
    public Alert Alert { get; }

    /// <summary>The rendered message, without a trailing newline.</summary>
    public string Message { get; }

    /// <summary>True when <see cref="Message"/> is a JSON object (<c>json_output: true</c>).</summary>
    public bool IsJson { get; }

    /// <summary>The message as UTF-8, encoded once and shared by the sinks that need bytes.</summary>
    public ReadOnlyMemory<byte> Utf8 => _utf8 ??= Encoding.UTF8.GetBytes(Message);
}
