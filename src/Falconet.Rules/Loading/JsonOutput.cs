using System.Text.Encodings.Web;
using System.Text.Json;

namespace Falconet.Rules.Loading;

/// <summary>Writer options shared by the loader's JSON outputs.</summary>
public static class JsonOutput
{
    /// <summary>Relaxed escaping: UTF-8 as is, as Falco's JSON library writes it.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
