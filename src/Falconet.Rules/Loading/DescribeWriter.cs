using System.Text;
using System.Text.Json;
using Falconet.Core.Alerts;
using Falconet.Fields;
using Falconet.Fields.OutputFormats;
using Falconet.Rules.Conditions;

namespace Falconet.Rules.Loading;

/// <summary>
/// Writes what <c>falco -L</c> / <c>-l RULE</c> print: with JSON output the shape of Falco's describe JSON
/// (<c>rules[]</c>, <c>macros[]</c>, <c>lists[]</c> with <c>info</c> and <c>details</c>), otherwise name and
/// description per rule. Set-valued arrays are written sorted (Falco's order is a hash order).
/// </summary>
public sealed class DescribeWriter
{
    private readonly RuleSet _ruleSet;
    private readonly HashSet<string> _macroNames;
    private readonly HashSet<string> _listNames;

    /// <summary>A writer for one loaded rule set.</summary>
    public DescribeWriter(RuleSet ruleSet)
    {
        _ruleSet = ruleSet;
        _macroNames = ruleSet.Macros.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        _listNames = ruleSet.Lists.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>All rules, macros and lists (<c>-L</c>), or only the named rule (<c>-l RULE</c>).</summary>
    public void WriteJson(Utf8JsonWriter writer, string? ruleName = null)
    {
        writer.WriteStartObject();
        if (ruleName is null)
        {
            writer.WriteStartArray("lists");
            foreach (CompiledList list in _ruleSet.Lists)
            {
                WriteList(writer, list);
            }
            writer.WriteEndArray();
            writer.WriteStartArray("macros");
            foreach (CompiledMacro macro in _ruleSet.Macros)
            {
                WriteMacro(writer, macro);
            }
            writer.WriteEndArray();
            writer.WriteString("required_engine_version", _ruleSet.RequiredEngineVersion?.ToString() ?? "0.0.0");
            writer.WriteStartArray("required_plugin_versions");
            foreach (PluginRequirement requirement in _ruleSet.PluginRequirements)
            {
                writer.WriteStartObject();
                writer.WriteStartArray("alternatives");
                foreach (PluginVersionRequirement alternative in requirement.Alternatives.Skip(1))
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", alternative.Name);
                    writer.WriteString("version", alternative.Version);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteString("name", requirement.Alternatives[0].Name);
                writer.WriteString("version", requirement.Alternatives[0].Version);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteStartArray("rules");
        foreach (CompiledRule rule in _ruleSet.Rules.Where(r => ruleName is null || r.Name == ruleName))
        {
            WriteRule(writer, rule);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>What <see cref="WriteJson"/> writes, as a string.</summary>
    public string ToJson(string? ruleName = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, JsonOutput.WriterOptions))
        {
            WriteJson(writer, ruleName);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The text form: each rule's name, then its description indented.</summary>
    public string ToText(string? ruleName = null)
    {
        var text = new StringBuilder();
        foreach (CompiledRule rule in _ruleSet.Rules.Where(r => ruleName is null || r.Name == ruleName))
        {
            text.Append(rule.Name).Append('\n');
            foreach (string line in rule.Description.TrimEnd().Split('\n'))
            {
                text.Append("    ").Append(line.TrimEnd()).Append('\n');
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Macros and lists a raw (unexpanded) condition names directly.</summary>
    public (SortedSet<string> Macros, SortedSet<string> Lists) DirectReferences(string condition)
    {
        var macros = new SortedSet<string>(StringComparer.Ordinal);
        var lists = new SortedSet<string>(StringComparer.Ordinal);
        if (!ConditionParser.TryParse(condition, out ConditionNode? ast, out _, ConditionParser.FalcoRulesMaxDepth))
        {
            return (macros, lists);
        }
        foreach (ConditionNode node in ConditionRewriter.Descendants(ast!))
        {
            switch (node)
            {
                case MacroRefNode macro when _macroNames.Contains(macro.Name):
                    macros.Add(macro.Name);
                    break;
                case BinaryCheckNode binary:
                    IEnumerable<ExpressionNode> values = binary.Right is ListValueNode list ? list.Items : [binary.Right];
                    foreach (ValueNode value in values.OfType<ValueNode>().Where(v => _listNames.Contains(v.Value)))
                    {
                        lists.Add(value.Value);
                    }
                    break;
            }
        }
        return (macros, lists);
    }

    /// <summary>Distinct fields (<c>name[arg]</c>) and operators of a compiled condition.</summary>
    public static (SortedSet<string> Fields, SortedSet<string> Operators) FieldsAndOperators(ConditionNode condition)
    {
        var fields = new SortedSet<string>(StringComparer.Ordinal);
        var operators = new SortedSet<string>(StringComparer.Ordinal);
        foreach ((string op, ExpressionNode operand) in ConditionRewriter.CheckOperands(condition))
        {
            operators.Add(op);
            AddFields(fields, operand);
        }
        return (fields, operators);
    }

    private static void AddFields(SortedSet<string> fields, ExpressionNode expression)
    {
        foreach (FieldRefNode field in ConditionRewriter.Fields(expression))
        {
            fields.Add(field.Argument is null ? field.Name : $"{field.Name}[{field.Argument}]");
        }
    }

    private void WriteRule(Utf8JsonWriter writer, CompiledRule rule)
    {
        (SortedSet<string> macros, SortedSet<string> lists) = DirectReferences(rule.Info.Condition);
        (SortedSet<string> fields, SortedSet<string> operators) = FieldsAndOperators(rule.Condition);
        var exceptionOperators = new SortedSet<string>(StringComparer.Ordinal);
        foreach (ExceptionInfo exception in rule.Info.Exceptions)
        {
            if (exception.Comps.IsList)
            {
                exceptionOperators.UnionWith(exception.Comps.Items.Select(c => c.Item));
            }
            else if (exception.Comps.IsValid)
            {
                exceptionOperators.Add(exception.Comps.Item);
            }
        }

        writer.WriteStartObject();
        writer.WriteStartObject("details");
        writer.WriteString("condition_compiled", ConditionPrinter.Print(rule.Condition));
        WriteStrings(writer, "condition_fields", fields);
        WriteStrings(writer, "condition_operators", operators);
        WriteStrings(writer, "events", rule.EventTypeNames.Enumerate());
        WriteStrings(writer, "exception_fields", rule.ExceptionFields);
        WriteStrings(writer, "exception_names", rule.Info.Exceptions.Select(e => e.Name).Distinct().Order(StringComparer.Ordinal));
        WriteStrings(writer, "exception_operators", exceptionOperators);
        WriteStrings(writer, "lists", lists);
        WriteStrings(writer, "macros", macros);
        writer.WriteString("output_compiled", rule.Output);
        WriteStrings(writer, "output_fields", rule.Format.FieldNames);
        WriteStrings(writer, "plugins", []);
        writer.WriteEndObject();

        writer.WriteStartObject("info");
        writer.WriteBoolean("capture", rule.Capture);
        writer.WriteNumber("capture_duration", rule.CaptureDuration);
        writer.WriteString("condition", rule.Info.Condition);
        writer.WriteString("description", rule.Description);
        writer.WriteBoolean("enabled", rule.Enabled);
        writer.WriteString("name", rule.Name);
        writer.WriteString("output", rule.Info.Output);
        writer.WriteString("priority", rule.Priority.ToDisplayName());
        writer.WriteString("source", rule.Source);
        WriteStrings(writer, "tags", rule.Tags);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private void WriteMacro(Utf8JsonWriter writer, CompiledMacro macro)
    {
        (SortedSet<string> macros, SortedSet<string> lists) = DirectReferences(macro.Info.Condition);
        (SortedSet<string> fields, SortedSet<string> operators) = FieldsAndOperators(macro.Condition);
        writer.WriteStartObject();
        writer.WriteStartObject("details");
        writer.WriteString("condition_compiled", ConditionPrinter.Print(macro.Condition));
        WriteStrings(writer, "condition_fields", fields);
        WriteStrings(writer, "condition_operators", operators);
        WriteStrings(writer, "events", EventTypeExtraction.Compute(macro.Condition, EventTypeExtractionOptions.Falco).Enumerate());
        WriteStrings(writer, "lists", lists);
        WriteStrings(writer, "macros", macros);
        WriteStrings(writer, "plugins", []);
        writer.WriteBoolean("used", macro.Used);
        writer.WriteEndObject();
        writer.WriteStartObject("info");
        writer.WriteString("condition", macro.Info.Condition);
        writer.WriteString("name", macro.Name);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter writer, CompiledList list)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("details");
        WriteStrings(writer, "items_compiled", list.Items);
        WriteStrings(writer, "lists", list.ReferencedLists.Distinct());
        WriteStrings(writer, "plugins", []);
        writer.WriteBoolean("used", list.Used);
        writer.WriteEndObject();
        writer.WriteStartObject("info");
        // Falco's info.items leaves out the names of the lists that were expanded into items_compiled.
        WriteStrings(writer, "items", list.Info.Items.Where(item => !list.ReferencedLists.Contains(item)));
        writer.WriteString("name", list.Name);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }
}
