using System.Text.Json;
using Falconet.Core.Events;
using Falconet.Fields.OutputFormats;
using Falconet.TestKit;

namespace Falconet.Fields.Tests;

/// <summary>
/// The JSON type rule against Falco's recorded output: for every alert of expected/field_battery, every non-null
/// output field must get the JSON kind our rule gives for its field type. Types come from the registry when the
/// field is registered, else from falco-reference.md §3 (the table below), so the rule is checked even before
/// every field class exists.
/// </summary>
public sealed class JsonKindConformanceTests
{
    // Falco 0.44.1 field types (falco-reference.md §3) of the fields the battery prints.
    private static readonly Dictionary<string, ParamType> s_referenceTypes = new(StringComparer.Ordinal)
    {
        ["container.id"] = ParamType.Charbuf, ["container.image.repository"] = ParamType.Charbuf,
        ["fd.cip"] = ParamType.Ipaddr, ["fd.connected"] = ParamType.Bool, ["fd.cport"] = ParamType.Port,
        ["fd.cproto"] = ParamType.Charbuf, ["fd.directory"] = ParamType.Charbuf, ["fd.filename"] = ParamType.Charbuf,
        ["fd.ino"] = ParamType.Int64, ["fd.is_server"] = ParamType.Bool, ["fd.l4proto"] = ParamType.Charbuf,
        ["fd.lip"] = ParamType.Ipaddr, ["fd.lport"] = ParamType.Port, ["fd.name"] = ParamType.Charbuf,
        ["fd.name_changed"] = ParamType.Bool, ["fd.num"] = ParamType.Int64, ["fd.rip"] = ParamType.Ipaddr,
        ["fd.rport"] = ParamType.Port, ["fd.sip"] = ParamType.Ipaddr, ["fd.sockfamily"] = ParamType.Charbuf,
        ["fd.sport"] = ParamType.Port, ["fd.sproto"] = ParamType.Charbuf, ["fd.type"] = ParamType.Charbuf,
        ["fd.typechar"] = ParamType.Charbuf, ["fs.path.name"] = ParamType.Charbuf, ["group.gid"] = ParamType.Uint32,
        ["group.name"] = ParamType.Charbuf, ["proc.aname"] = ParamType.Charbuf, ["proc.apid"] = ParamType.Int64,
        ["proc.args"] = ParamType.Charbuf, ["proc.cmdline"] = ParamType.Charbuf, ["proc.cwd"] = ParamType.Charbuf,
        ["proc.exe"] = ParamType.Charbuf, ["proc.exepath"] = ParamType.Charbuf, ["proc.name"] = ParamType.Charbuf,
        ["proc.pcmdline"] = ParamType.Charbuf, ["proc.pid"] = ParamType.Int64, ["proc.pname"] = ParamType.Charbuf,
        ["proc.ppid"] = ParamType.Int64, ["proc.sid"] = ParamType.Int64, ["proc.tty"] = ParamType.Uint32,
        ["proc.vpid"] = ParamType.Int64, ["thread.tid"] = ParamType.Int64, ["thread.vtid"] = ParamType.Int64,
        ["user.loginname"] = ParamType.Charbuf, ["user.loginuid"] = ParamType.Int64, ["user.name"] = ParamType.Charbuf,
        ["user.uid"] = ParamType.Uint32,
    };

    private static JsonFieldKind KindOf(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Number => JsonFieldKind.Number,
        JsonValueKind.String => JsonFieldKind.String,
        JsonValueKind.True or JsonValueKind.False => JsonFieldKind.Bool,
        JsonValueKind.Array => JsonFieldKind.Array,
        _ => JsonFieldKind.Null,
    };

    private static JsonFieldKind RuleKind(string key, out string source)
    {
        int bracket = key.IndexOf('[', StringComparison.Ordinal);
        string reference = bracket < 0 ? key : key[..bracket];
        string? argument = bracket < 0 ? null : key[(bracket + 1)..^1];
        if (FieldRegistry.Default.TryResolve(reference, out FieldDescriptor? field, out string? dotted))
        {
            source = "registry";
            FieldExtractor extractor = field.CreateExtractor((dotted ?? argument) is { } a ? new FieldArgument(a) : null);
            return FieldValueFormatter.JsonKindOf(extractor);
        }
        Assert.True(s_referenceTypes.TryGetValue(reference, out ParamType type), $"no type known for output field {key}");
        source = "reference";
        return FieldValueFormatter.JsonKindOf(type, ParamFormat.Na);
    }

    [Fact]
    public void Every_field_battery_value_has_the_json_kind_of_its_type()
    {
        SharedData.SkipIfAbsent();
        string folder = Path.GetDirectoryName(SharedData.Expected("field_battery", "x"))!;
        int checkedValues = 0;
        foreach (string file in Directory.GetFiles(folder, "*.jsonl").Order(StringComparer.Ordinal))
        {
            int line = 0;
            foreach (string text in File.ReadLines(file))
            {
                line++;
                using JsonDocument alert = JsonDocument.Parse(text);
                foreach (JsonProperty field in alert.RootElement.GetProperty("output_fields").EnumerateObject())
                {
                    JsonFieldKind expected = KindOf(field.Value.ValueKind);
                    if (expected == JsonFieldKind.Null)
                    {
                        continue; // missing value: null whatever the type
                    }
                    JsonFieldKind actual = RuleKind(field.Name, out string source);
                    Assert.True(expected == actual,
                        $"{Path.GetFileName(file)}:{line} {field.Name}: Falco wrote {expected}, our rule ({source} type) gives {actual}");
                    checkedValues++;
                }
            }
        }
        Assert.True(checkedValues > 1000, $"only {checkedValues} values checked");
    }
}
