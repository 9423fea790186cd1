using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Falconet.Conformance.Tests;

/// <summary>One way two JSON alerts can differ, for the deviation lists: a rule and a key ("&lt;missing&gt;", "&lt;unexpected&gt;" or a differing key).</summary>
public sealed record AlertDifference(string Rule, string Key, string Text);

/// <summary>
/// Compares alert lines the way Falco's recorded output is meant to be compared: as a multiset of JSON objects with
/// <c>hostname</c> dropped. Alerts present on one side only are paired into near misses (same rule and event time)
/// so that a report names the keys that differ instead of two long lines.
/// </summary>
public static class AlertMultiset
{
    // Readable reports: keep '<', '>' and non-ASCII as they are (both sides go through the same writer).
    private static readonly JsonSerializerOptions s_writeOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static List<string> Canonical(string jsonLines)
    {
        var result = new List<string>();
        foreach (string line in jsonLines.Split('\n'))
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }
            JsonObject alert = JsonNode.Parse(line)?.AsObject() ?? throw new InvalidDataException("not a JSON object: " + line);
            alert.Remove("hostname");
            result.Add(Sorted(alert)!.ToJsonString(s_writeOptions));
        }
        return result;
    }

    public static List<AlertDifference> Compare(string expectedLines, string actualLines)
    {
        List<string> missing = Canonical(expectedLines);
        var unexpected = new List<string>();
        foreach (string actual in Canonical(actualLines))
        {
            if (!missing.Remove(actual))
            {
                unexpected.Add(actual);
            }
        }

        var differences = new List<AlertDifference>();
        foreach (string expected in missing)
        {
            JsonObject e = JsonNode.Parse(expected)!.AsObject();
            int match = unexpected.FindIndex(u => IsNearMiss(e, JsonNode.Parse(u)!.AsObject()));
            if (match < 0)
            {
                differences.Add(new AlertDifference(RuleOf(e), "<missing>", "missing:    " + expected));
                continue;
            }
            JsonObject a = JsonNode.Parse(unexpected[match])!.AsObject();
            unexpected.RemoveAt(match);
            Dictionary<string, string> left = Flatten(e);
            Dictionary<string, string> right = Flatten(a);
            var keys = left.Keys.Union(right.Keys)
                .Where(k => left.GetValueOrDefault(k) != right.GetValueOrDefault(k))
                .ToList();
            // The output text repeats the fields; name it only when nothing else explains the difference.
            if (keys.Count > 1)
            {
                keys.Remove("output");
            }
            foreach (string key in keys)
            {
                differences.Add(new AlertDifference(RuleOf(e), key,
                    $"{key} at {TimeOf(e)}: expected {left.GetValueOrDefault(key) ?? "(absent)"}, got {right.GetValueOrDefault(key) ?? "(absent)"}"));
            }
        }
        foreach (string u in unexpected)
        {
            differences.Add(new AlertDifference(RuleOf(JsonNode.Parse(u)!.AsObject()), "<unexpected>", "unexpected: " + u));
        }
        return differences;
    }

    /// <summary>A readable report of differences, grouped by rule and key, with a few examples each.</summary>
    public static string Describe(IEnumerable<AlertDifference> differences, int examples = 3)
    {
        var report = new StringBuilder();
        foreach (IGrouping<(string, string), AlertDifference> group in differences.GroupBy(d => (d.Rule, d.Key)))
        {
            report.AppendLine($"[{group.Key.Item1}] {group.Key.Item2}: {group.Count()} difference(s)");
            foreach (AlertDifference d in group.Take(examples))
            {
                report.AppendLine("    " + d.Text);
            }
        }
        return report.ToString();
    }

    private static bool IsNearMiss(JsonObject expected, JsonObject actual) =>
        RuleOf(expected) == RuleOf(actual) && TimeOf(expected) == TimeOf(actual);

    private static string RuleOf(JsonObject alert) => alert["rule"]?.ToString() ?? "?";

    private static string TimeOf(JsonObject alert) => alert["time"]?.ToString() ?? "?";

    /// <summary>Top-level keys plus <c>output_fields.KEY</c> entries, each as compact JSON text.</summary>
    private static Dictionary<string, string> Flatten(JsonObject alert)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, JsonNode? value) in alert)
        {
            if (key == "output_fields" && value is JsonObject fields)
            {
                foreach ((string field, JsonNode? fieldValue) in fields)
                {
                    flat["output_fields." + field] = fieldValue?.ToJsonString(s_writeOptions) ?? "null";
                }
                continue;
            }
            flat[key] = value?.ToJsonString(s_writeOptions) ?? "null";
        }
        return flat;
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        null => null,
        _ => JsonNode.Parse(node.ToJsonString(s_writeOptions)),
    };
}
