using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.Fields.OutputFormats;
using Falconet.Scap;
using Falconet.State;
using Falconet.TestKit;

namespace Falconet.Conformance.Tests;

/// <summary>
/// Acceptance of the state engine and the fields: for each shared capture, every alert Falco 0.44.1 printed for
/// <c>rules/field_battery.yaml</c> must be reproduced field by field (the event with that <c>evt.num</c> has the same
/// JSON value for every <c>output_fields</c> key), and no other visible event may match a battery rule's
/// <c>evt.type in (...)</c> condition.
/// </summary>
public sealed partial class FieldBatteryConformanceTests
{
    /// <summary>
    /// Differences we know of, by capture and field key (with "*" for every capture), each with its reason.
    /// The test fails when a listed difference no longer shows, so the list stays true.
    /// </summary>
    private static readonly (string Capture, string Key, string Reason)[] s_knownDeviations =
    [
    ];

    public static TheoryData<string> Captures() => new(SharedData.CaptureNames);

    [Theory]
    [MemberData(nameof(Captures))]
    public void FieldBatteryMatchesFalco(string capture)
    {
        SharedData.SkipIfAbsent();
        List<BatteryRule> rules = ParseRules(File.ReadAllText(SharedData.Rules("field_battery.yaml")));
        List<ExpectedAlert> expected = ReadExpected(SharedData.Expected("field_battery", capture + ".jsonl"));
        Dictionary<(ulong Number, string Rule), JsonElement> actual = Run(capture, rules, expected);

        var mismatches = new List<(string Key, string Text)>();
        foreach (ExpectedAlert alert in expected)
        {
            if (!actual.TryGetValue((alert.Number, alert.Rule), out JsonElement fields))
            {
                mismatches.Add(("<missing event>", $"evt.num {alert.Number} ({alert.Rule}) not produced"));
                continue;
            }
            foreach (JsonProperty property in alert.Fields.EnumerateObject())
            {
                // Every key is extracted (Run fails on a key the registry cannot resolve), so none is absent.
                JsonElement value = fields.GetProperty(property.Name);
                if (!JsonEquals(property.Value, value))
                {
                    mismatches.Add((property.Name, $"evt.num {alert.Number} {property.Name}: expected {property.Value.GetRawText()}, got {value.GetRawText()}"));
                }
            }
        }
        var expectedKeys = new HashSet<(ulong, string)>(expected.Select(a => (a.Number, a.Rule)));
        foreach ((ulong number, string rule) in actual.Keys)
        {
            if (!expectedKeys.Contains((number, rule)))
            {
                mismatches.Add(("<extra event>", $"evt.num {number} ({rule}) matched but Falco printed no alert"));
            }
        }

        var known = s_knownDeviations.Where(d => d.Capture == capture || d.Capture == "*").ToList();
        var unexplained = mismatches.Where(m => !known.Any(d => d.Key == m.Key)).ToList();
        var stale = known.Where(d => !mismatches.Any(m => m.Key == d.Key)).ToList();
        var report = new StringBuilder();
        foreach (IGrouping<string, (string Key, string Text)> group in unexplained.GroupBy(m => m.Key))
        {
            report.AppendLine($"{group.Key}: {group.Count()} differences, e.g.");
            foreach ((string _, string text) in group.Take(3))
            {
                report.AppendLine("    " + text);
            }
        }
        foreach ((string _, string key, string reason) in stale)
        {
            report.AppendLine($"known deviation no longer seen, remove it from the list: {key} ({reason})");
        }
        Assert.True(report.Length == 0, $"{capture}: {unexplained.Count} unexplained differences\n{report}");
    }

    private sealed record BatteryRule(string Name, HashSet<string> EventTypes);

    private sealed record ExpectedAlert(string Rule, ulong Number, JsonElement Fields);

    /// <summary>Runs the capture through the state engine and extracts, for each event a battery rule matches, its expected keys.</summary>
    private static Dictionary<(ulong Number, string Rule), JsonElement> Run(string capture, List<BatteryRule> rules, List<ExpectedAlert> expected)
    {
        IReadOnlyList<string> keys = expected.Count > 0
            ? [.. expected[0].Fields.EnumerateObject().Select(p => p.Name)]
            : [];
        var extractors = new List<(string Key, FieldExtractor Extractor)>();
        var unknown = new List<string>();
        foreach (string key in keys)
        {
            if (CreateExtractor(key) is { } extractor)
            {
                extractors.Add((key, extractor));
            }
            else
            {
                unknown.Add(key);
            }
        }
        Assert.True(unknown.Count == 0, $"{capture}: output_fields keys Falco printed that the field registry cannot resolve: {string.Join(", ", unknown)}");

        var results = new Dictionary<(ulong, string), JsonElement>();
        var state = new SystemState();
        using ScapReader reader = ScapReader.Open(SharedData.Capture(capture));
        reader.ReadHeader(state);
        var evt = new ScapEvent();
        while (reader.TryReadEvent(evt))
        {
            if (!state.Process(evt))
            {
                continue;
            }
            string type = evt.Info.Name;
            foreach (BatteryRule rule in rules)
            {
                if (!rule.EventTypes.Contains(type))
                {
                    continue;
                }
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    foreach ((string key, FieldExtractor extractor) in extractors)
                    {
                        FieldValue value = default;
                        bool present = extractor.TryExtract(state.Context, ref value);
                        writer.WritePropertyName(key);
                        FieldValueFormatter.WriteJson(writer, extractor, value, present);
                    }
                    writer.WriteEndObject();
                }
                results[(evt.Number, rule.Name)] = JsonDocument.Parse(buffer.ToArray()).RootElement.Clone();
            }
        }
        return results;
    }

    private static FieldExtractor? CreateExtractor(string key)
    {
        string name = key;
        string? argument = null;
        int bracket = key.IndexOf('[', StringComparison.Ordinal);
        if (bracket > 0 && key.EndsWith(']'))
        {
            name = key[..bracket];
            argument = key[(bracket + 1)..^1];
        }
        if (!FieldRegistry.Default.TryResolve(name, out FieldDescriptor? field, out string? dotted))
        {
            return null;
        }
        argument ??= dotted;
        return field.CreateExtractor(argument is null ? null : new FieldArgument(argument));
    }

    private static List<BatteryRule> ParseRules(string yaml)
    {
        var rules = new List<BatteryRule>();
        foreach (Match m in RuleRegex().Matches(yaml))
        {
            var types = new HashSet<string>(m.Groups["types"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
            rules.Add(new BatteryRule(m.Groups["name"].Value.Trim(), types));
        }
        Assert.NotEmpty(rules);
        return rules;
    }

    private static List<ExpectedAlert> ReadExpected(string path)
    {
        var alerts = new List<ExpectedAlert>();
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }
            JsonElement root = JsonDocument.Parse(line).RootElement.Clone();
            JsonElement fields = root.GetProperty("output_fields");
            alerts.Add(new ExpectedAlert(root.GetProperty("rule").GetString()!, fields.GetProperty("evt.num").GetUInt64(), fields));
        }
        return alerts;
    }

    private static bool JsonEquals(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }
        return a.ValueKind switch
        {
            JsonValueKind.Number => a.GetRawText() == b.GetRawText() || (a.TryGetDecimal(out decimal x) && b.TryGetDecimal(out decimal y) && x == y),
            JsonValueKind.String => a.GetString() == b.GetString(),
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => JsonEquals(p.First, p.Second)),
            _ => a.GetRawText() == b.GetRawText(),
        };
    }

    [GeneratedRegex(@"- rule:(?<name>[^\n]+)\n(?:[^\n]*\n)*?\s*condition: evt\.type in \((?<types>[^)]*)\)")]
    private static partial Regex RuleRegex();
}
