using System.Text.Json;
using Falconet.Core.Events;
using Falconet.Fields;

namespace Falconet.Host;

/// <summary><c>--list</c> and <c>--list-events</c>: what the field registry and the event table hold.</summary>
public static class FieldListing
{
    /// <summary><c>--list</c>: the fields by class as Falco prints them, or their names only, or as markdown/JSON.</summary>
    public static void Write(TextWriter output, FieldRegistry registry, string? source, bool namesOnly, string? format)
    {
        if (source is not null && source != "syscall")
        {
            throw new UserFacingException($"unknown event source '{source}' (Falconet has one source: syscall)");
        }
        IEnumerable<FieldDescriptor> fields = registry.All;
        switch (format?.ToLowerInvariant())
        {
            case null or "text":
                WriteText(output, fields, namesOnly);
                break;
            case "markdown":
                WriteMarkdown(output, fields, namesOnly);
                break;
            case "json":
                WriteJson(output, fields);
                break;
            default:
                throw new UserFacingException($"--format must be text, markdown or json, not '{format}'");
        }
    }

    private static string TypeName(FieldDescriptor f) => f.Type.ToString().ToUpperInvariant();

    private static string Name(FieldDescriptor f) => f.ArgumentMode == FieldArgumentMode.None ? f.Name : f.Name + "[ARG]";

    private static void WriteText(TextWriter output, IEnumerable<FieldDescriptor> fields, bool namesOnly)
    {
        if (!namesOnly)
        {
            output.WriteLine("Event Sources: syscall");
        }
        foreach (IGrouping<string, FieldDescriptor> group in fields.GroupBy(f => f.Class))
        {
            if (!namesOnly)
            {
                output.WriteLine();
                output.WriteLine("-------------------------------");
                output.WriteLine($"Field Class:                  {group.Key} (syscall)");
                output.WriteLine();
            }
            foreach (FieldDescriptor f in group)
            {
                if (namesOnly)
                {
                    output.WriteLine(f.Name);
                    continue;
                }
                string flags = (f.Flags & FieldFlags.FilterOnly) != 0 ? " (filter only)" : "";
                output.WriteLine($"{Name(f),-30}{TypeName(f),-10}{f.Description}{flags}");
            }
        }
    }

    private static void WriteMarkdown(TextWriter output, IEnumerable<FieldDescriptor> fields, bool namesOnly)
    {
        foreach (IGrouping<string, FieldDescriptor> group in fields.GroupBy(f => f.Class))
        {
            output.WriteLine($"## Field Class: {group.Key}");
            output.WriteLine();
            if (namesOnly)
            {
                foreach (FieldDescriptor f in group)
                {
                    output.WriteLine($"- `{f.Name}`");
                }
                output.WriteLine();
                continue;
            }
            output.WriteLine("| Name | Type | Description |");
            output.WriteLine("|------|------|-------------|");
            foreach (FieldDescriptor f in group)
            {
                output.WriteLine($"| `{Name(f)}` | {TypeName(f)} | {f.Description.Replace("|", "\\|", StringComparison.Ordinal)} |");
            }
            output.WriteLine();
        }
    }

    private static void WriteJson(TextWriter output, IEnumerable<FieldDescriptor> fields)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (FieldDescriptor f in fields)
            {
                w.WriteStartObject();
                w.WriteString("name", f.Name);
                w.WriteString("type", TypeName(f));
                w.WriteString("desc", f.Description);
                w.WriteBoolean("arg_required", f.ArgumentMode == FieldArgumentMode.Required);
                w.WriteBoolean("arg_allowed", f.ArgumentMode != FieldArgumentMode.None);
                w.WriteBoolean("filter_only", (f.Flags & FieldFlags.FilterOnly) != 0);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary><c>--list-events</c>: the event table.</summary>
    public static void WriteEvents(TextWriter output)
    {
        foreach (EventInfo e in EventTable.All)
        {
            if (e.IsUnused || e.IsOldVersion)
            {
                continue;
            }
            string args = string.Join(", ", e.Parameters.Select(p => $"{p.Type.ToString().ToUpperInvariant()} {p.Name}"));
            output.WriteLine($"{(e.IsEnter ? '>' : '<')} {e.Name}({args})");
        }
    }
}
