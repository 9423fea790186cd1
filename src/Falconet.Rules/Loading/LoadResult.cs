using System.Text;
using System.Text.Json;

namespace Falconet.Rules.Loading;

/// <summary>The outcome of loading rules files: one Falco load result per file, and the compiled rules.</summary>
public sealed class LoadResult
{
    internal LoadResult(IReadOnlyList<FileLoadResult> files, RuleSet ruleSet)
    {
        Files = files;
        RuleSet = ruleSet;
    }

    /// <summary>One result per file read, in load order (loading stops at the first invalid file).</summary>
    public IReadOnlyList<FileLoadResult> Files { get; }

    /// <summary>Whether every file loaded and the rules compiled.</summary>
    public bool Success => Files.All(f => f.Success);

    /// <summary>Every error and warning of every file.</summary>
    public IEnumerable<LoadDiagnostic> Diagnostics => Files.SelectMany(f => f.Errors.Concat(f.Warnings));

    /// <summary>The compiled rules; <see cref="RuleSet.Empty"/> when the load failed.</summary>
    public RuleSet RuleSet { get; }

    /// <summary>
    /// The text <c>falco -V</c> prints: <c>file: Ok</c> per clean file, Falco's verbose form (chain, snippet,
    /// code, message) for files with errors or warnings.
    /// </summary>
    public string ToText()
    {
        var text = new StringBuilder();
        foreach (FileLoadResult file in Files)
        {
            text.Append(file.Errors.Count == 0 && file.Warnings.Count == 0 ? file.ToSummaryText() : file.ToVerboseText().TrimEnd('\n')).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Writes <c>{"falco_load_results":[…]}</c>, the JSON of <c>falco -V … -o json_output=true</c>.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("falco_load_results");
        foreach (FileLoadResult file in Files)
        {
            file.WriteJson(writer);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The JSON as a string (compact, non-ASCII and HTML characters unescaped as nlohmann::json prints them).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, JsonOutput.WriterOptions))
        {
            WriteJson(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
