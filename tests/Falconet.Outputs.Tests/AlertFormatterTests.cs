using System.Text.Json;
using System.Text.Json.Nodes;
using Falconet.Core.Alerts;
using Falconet.TestKit;

namespace Falconet.Outputs.Tests;

public sealed class AlertFormatterTests
{
    // 2018-08-17T17:35:48.519206167Z
    private const ulong Timestamp = 1534527348519206167UL;

    private static Alert SampleAlert(string? outputFields = "{\"fd.num\":3,\"proc.name\":\"bash\"}") => new(
        Timestamp, Priority.Notice, "Shell spawned", "A shell (proc.name=bash)", outputFields, "syscall",
        ["zeta", "alpha", "alpha", "mitre"], "host1");

    [Fact]
    public void Text_line_has_utc_clock_time_priority_and_output()
    {
        AlertFormatter formatter = new(new AlertFormatOptions());

        Assert.Equal("17:35:48.519206167: Notice A shell (proc.name=bash)", formatter.FormatText(SampleAlert()));
    }

    [Fact]
    public void Text_line_with_iso8601_uses_the_full_date_and_plus_zero_offset()
    {
        AlertFormatter formatter = new(new AlertFormatOptions { TimeFormatIso8601 = true });

        Assert.Equal("2018-08-17T17:35:48.519206167+0000: Notice A shell (proc.name=bash)", formatter.FormatText(SampleAlert()));
    }

    [Fact]
    public void Nanoseconds_are_zero_padded_to_nine_digits()
    {
        Assert.Equal("00:00:01.000000042", AlertFormatter.FormatClockTime(1_000_000_042UL));
        Assert.Equal("1970-01-01T00:00:01.000000042Z", AlertFormatter.FormatJsonTime(1_000_000_042UL));
    }

    [Fact]
    public void Text_line_escapes_control_characters()
    {
        AlertFormatter formatter = new(new AlertFormatOptions());
        Alert alert = SampleAlert() with { Output = "cmd=echo a\nb\tc\u0001" };

        Assert.Equal("17:35:48.519206167: Notice cmd=echo a\\nb\\tc\\u0001", formatter.FormatText(alert));
    }

    [Fact]
    public void Json_has_sorted_keys_sorted_distinct_tags_and_the_time_merged_into_output_fields()
    {
        AlertFormatter formatter = new(new AlertFormatOptions { JsonOutput = true });

        string json = formatter.Format(SampleAlert()).Message;

        Assert.Equal(
            "{\"hostname\":\"host1\",\"output\":\"17:35:48.519206167: Notice A shell (proc.name=bash)\"," +
            "\"output_fields\":{\"evt.time\":1534527348519206167,\"fd.num\":3,\"proc.name\":\"bash\"}," +
            "\"priority\":\"Notice\",\"rule\":\"Shell spawned\",\"source\":\"syscall\"," +
            "\"tags\":[\"alpha\",\"mitre\",\"zeta\"],\"time\":\"2018-08-17T17:35:48.519206167Z\"}",
            json);
    }

    [Fact]
    public void Json_with_iso8601_names_the_merged_time_field_evt_time_iso8601()
    {
        AlertFormatter formatter = new(new AlertFormatOptions { JsonOutput = true, TimeFormatIso8601 = true });

        JsonObject json = JsonNode.Parse(formatter.FormatJson(SampleAlert()))!.AsObject();

        Assert.Equal(Timestamp, json["output_fields"]!["evt.time.iso8601"]!.GetValue<ulong>());
        Assert.Null(json["output_fields"]!["evt.time"]);
        Assert.StartsWith("2018-08-17T17:35:48.519206167+0000: Notice", json["output"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_time_field_already_in_output_fields_is_not_duplicated()
    {
        AlertFormatter formatter = new(new AlertFormatOptions { JsonOutput = true });

        string json = formatter.FormatJson(SampleAlert("{\"evt.time\":1,\"proc.name\":\"bash\"}"));

        Assert.Contains("\"output_fields\":{\"evt.time\":1534527348519206167,\"proc.name\":\"bash\"}", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_flags_add_and_remove_properties()
    {
        AlertFormatter formatter = new(new AlertFormatOptions
        {
            JsonOutput = true,
            JsonIncludeMessageProperty = true,
            JsonIncludeOutputProperty = false,
            JsonIncludeOutputFieldsProperty = false,
            JsonIncludeTagsProperty = false,
        });

        JsonObject json = JsonNode.Parse(formatter.FormatJson(SampleAlert()))!.AsObject();

        Assert.Equal(["hostname", "message", "priority", "rule", "source", "time"], json.Select(p => p.Key).ToArray());
        Assert.Equal("A shell (proc.name=bash)", json["message"]!.GetValue<string>());
    }

    [Fact]
    public void Json_keeps_non_ascii_text_unescaped_like_nlohmann()
    {
        AlertFormatter formatter = new(new AlertFormatOptions { JsonOutput = true });

        string json = formatter.FormatJson(SampleAlert() with { Output = "naïve <tag> & 'quote' \"dq\"" });

        Assert.Contains("naïve <tag> & 'quote' \\\"dq\\\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_fields_that_are_not_an_object_are_rejected()
    {
        AlertFormatter formatter = new(new AlertFormatOptions { JsonOutput = true });

        Assert.Throws<ArgumentException>(() => formatter.FormatJson(SampleAlert("[1,2]")));
    }

    [Fact]
    public void Internal_alert_text_lists_fields_with_json_values()
    {
        Alert alert = InternalAlerts.Create(Timestamp, Priority.Critical, InternalAlerts.SyscallEventDropRule,
            "Falco internal: syscall event drop. 3 system calls dropped in last second.",
            [new("n_drops", 3L), new("ebpf_enabled", "1"), new("n_evts", 100L)], "host1");
        AlertFormatter formatter = new(new AlertFormatOptions { TimeFormatIso8601 = true });

        Assert.Equal(
            "17:35:48.519206167: Critical Falco internal: syscall event drop. 3 system calls dropped in last second. (ebpf_enabled=\"1\" n_drops=3 n_evts=100)",
            formatter.FormatText(alert));
    }

    [Fact]
    public void Internal_alert_json_has_bare_output_and_no_tags()
    {
        Alert alert = InternalAlerts.Create(Timestamp, Priority.Critical, InternalAlerts.SyscallEventDropRule,
            "drops", [new("n_drops", 3L)], "host1");
        AlertFormatter formatter = new(new AlertFormatOptions { JsonOutput = true, JsonIncludeMessageProperty = true });

        Assert.Equal(
            "{\"hostname\":\"host1\",\"output\":\"drops\",\"output_fields\":{\"n_drops\":3},\"priority\":\"Critical\"," +
            "\"rule\":\"Falco internal: syscall event drop\",\"source\":\"internal\",\"time\":\"2018-08-17T17:35:48.519206167Z\"}",
            formatter.FormatJson(alert));
    }

    [Fact]
    public void Json_matches_falco_recorded_alerts_for_curl_google()
    {
        SharedData.SkipIfAbsent();
        string path = SharedData.Expected("seed_rule", "curl_google.jsonl");
        string[] lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        Assert.NotEmpty(lines);
        AlertFormatter formatter = new(new AlertFormatOptions { JsonOutput = true });

        foreach (string line in lines)
        {
            JsonObject expected = JsonNode.Parse(line)!.AsObject();
            Alert alert = AlertFromFalcoJson(expected);

            JsonObject actual = JsonNode.Parse(formatter.FormatJson(alert))!.AsObject();
            Assert.Equal("recorded-host", actual["hostname"]!.GetValue<string>());
            actual.Remove("hostname");

            Assert.Equal(expected.Select(p => p.Key), actual.Select(p => p.Key));
            Assert.True(JsonNode.DeepEquals(expected, actual), "expected " + expected.ToJsonString() + "\nactual   " + actual.ToJsonString());
        }
    }

    /// <summary>
    /// Rebuilds the Alert the engine would hand over: output without the time/priority prefix, and output_fields
    /// without evt.time (the formatter merges it from the timestamp, as Falco merges its prefix fields).
    /// </summary>
    private static Alert AlertFromFalcoJson(JsonObject expected)
    {
        string output = expected["output"]!.GetValue<string>();
        string priorityName = expected["priority"]!.GetValue<string>();
        Assert.True(PriorityNames.TryParse(priorityName, out Priority priority));
        string prefixEnd = ": " + priorityName + " ";
        int cut = output.IndexOf(prefixEnd, StringComparison.Ordinal);
        Assert.True(cut > 0, "no time/priority prefix in " + output);

        JsonObject fields = expected["output_fields"]!.DeepClone().AsObject();
        ulong timestamp = fields["evt.time"]!.GetValue<ulong>();
        fields.Remove("evt.time");

        return new Alert(
            timestamp,
            priority,
            expected["rule"]!.GetValue<string>(),
            output[(cut + prefixEnd.Length)..],
            fields.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
            expected["source"]!.GetValue<string>(),
            expected["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Reverse().ToArray(),
            "recorded-host");
    }
}
