using System.Text;
using System.Text.Json;

namespace Falconet.Rules.Loading;

/// <summary>
/// The result of loading one rules file, as Falco reports it (<c>rule_loader::result</c>): success, errors,
/// warnings, and the schema check. Render with <see cref="ToSummaryText"/>, <see cref="ToVerboseText"/> or
/// <see cref="WriteJson"/>.
/// </summary>
public sealed class FileLoadResult
{
    private readonly List<LoadDiagnostic> _errors = [];
    private readonly List<LoadDiagnostic> _warnings = [];
    private readonly List<string> _schemaWarnings = [];

    internal FileLoadResult(string name, IReadOnlyDictionary<string, string> contents)
    {
        Name = name;
        Contents = contents;
    }

    /// <summary>The name the file was given on the command line (Falco prints it as given).</summary>
    public string Name { get; }

    /// <summary>The text of every rules file loaded so far, by name, for snippets.</summary>
    public IReadOnlyDictionary<string, string> Contents { get; }

    /// <summary>Whether the file loaded without errors.</summary>
    public bool Success => _errors.Count == 0;
    /// <summary>The errors, in the order they were found.</summary>
    public IReadOnlyList<LoadDiagnostic> Errors => _errors;
    /// <summary>The warnings, in the order they were found.</summary>
    public IReadOnlyList<LoadDiagnostic> Warnings => _warnings;

    /// <summary>
    /// Whether the schema check ran (it does unless the file could not be read or parsed), its verdict and its findings.
    /// The check never fails a load, as in Falco.
    /// </summary>
    public bool SchemaChecked { get; internal set; }

    /// <summary>Whether the YAML matched the rules file schema.</summary>
    public bool SchemaValid => _schemaWarnings.Count == 0;
    /// <summary>The schema mismatches, which Falco reports without failing the load.</summary>
    public IReadOnlyList<string> SchemaWarnings => _schemaWarnings;

    internal void Add(LoadDiagnostic diagnostic)
    {
        (diagnostic.IsError ? _errors : _warnings).Add(diagnostic);
    }

    internal void AddSchemaWarning(string message) => _schemaWarnings.Add(message);

    /// <summary>Falco's summary: <c>name: Ok</c> / <c>Ok, with warnings</c> / <c>Invalid</c> plus the code lists.</summary>
    public string ToSummaryText()
    {
        var text = new StringBuilder();
        AppendStatus(text);
        if (_errors.Count > 0)
        {
            text.Append('\n').Append(' ').Append(_errors.Count).Append(" errors: [");
            text.AppendJoin(" ", _errors.Select(e => $"{e.Code} ({e.CodeText})"));
            text.Append(']');
        }
        if (_warnings.Count > 0)
        {
            text.Append('\n').Append(' ').Append(_warnings.Count).Append(" warnings: [");
            text.AppendJoin(" ", _warnings.Select(w => $"{w.Code} ({w.CodeText})"));
            text.Append(']');
        }
        return text.ToString();
    }

    /// <summary>Falco's verbose text: for each diagnostic the location chain, a snippet with a caret, and the message.</summary>
    public string ToVerboseText()
    {
        var text = new StringBuilder();
        AppendStatus(text);
        AppendVerbose(text, _errors, "Errors");
        AppendVerbose(text, _warnings, "Warnings");
        return text.ToString();
    }

    /// <summary>Writes the object Falco prints per file in <c>falco_load_results</c> (keys sorted as nlohmann::json does).</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        WriteDiagnostics(writer, "errors", _errors);
        writer.WriteString("name", Name);
        if (SchemaChecked)
        {
            writer.WriteBoolean("schema_valid", SchemaValid);
            writer.WriteStartArray("schema_warnings");
            foreach (string warning in _schemaWarnings)
            {
                writer.WriteStringValue(warning);
            }
            writer.WriteEndArray();
        }
        writer.WriteBoolean("successful", Success);
        WriteDiagnostics(writer, "warnings", _warnings);
        writer.WriteEndObject();
    }

    private void AppendStatus(StringBuilder text)
    {
        if (Name.Length > 0)
        {
            text.Append(Name).Append(": ");
        }
        text.Append(Success ? (_warnings.Count > 0 ? "Ok, with warnings" : "Ok") : "Invalid");
    }

    private void AppendVerbose(StringBuilder text, List<LoadDiagnostic> diagnostics, string title)
    {
        if (diagnostics.Count == 0)
        {
            return;
        }
        text.Append('\n').Append(diagnostics.Count).Append(' ').Append(title).Append(":\n");
        foreach (LoadDiagnostic diagnostic in diagnostics)
        {
            text.Append(diagnostic.Context.ToChainText());
            text.Append("------\n").Append(diagnostic.Context.Snippet(Contents)).Append("------\n");
            text.Append(diagnostic.Code).Append(" (").Append(diagnostic.CodeText).Append("): ").Append(diagnostic.Message).Append('\n');
        }
    }

    private void WriteDiagnostics(Utf8JsonWriter writer, string name, List<LoadDiagnostic> diagnostics)
    {
        writer.WriteStartArray(name);
        foreach (LoadDiagnostic diagnostic in diagnostics)
        {
            writer.WriteStartObject();
            writer.WriteString("code", diagnostic.Code);
            writer.WriteString("codedesc", diagnostic.CodeDescription);
            writer.WriteStartObject("context");
            writer.WriteStartArray("locations");
            foreach (LoadLocation location in diagnostic.Context.Locations)
            {
                writer.WriteStartObject();
                writer.WriteString("item_name", location.ItemName);
                writer.WriteString("item_type", LoadCodes.ItemTypeText(location.ItemType));
                writer.WriteStartObject("position");
                writer.WriteNumber("column", location.Position.Column);
                writer.WriteNumber("line", location.Position.Line);
                writer.WriteString("name", location.Name);
                writer.WriteNumber("offset", location.Position.Offset);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteString("snippet", diagnostic.Context.Snippet(Contents));
            writer.WriteEndObject();
            if (diagnostic.DeprecatedField is { } field)
            {
                writer.WriteString("deprecated_field", field);
            }
            writer.WriteString("message", diagnostic.Message);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
