using System.Text;
using System.Text.Json;
using Falconet.Core.Events;
using Falconet.Fields.OutputFormats;
using Falconet.State;
using Falconet.TestKit;

namespace Falconet.Fields.Tests;

public sealed class OutputFormatTests
{
    private const ulong Ts = 1470327477881730713;

    private static EventContext Openat()
    {
        ThreadInfo thread = TestContexts.Thread();
        FdInfo file = TestContexts.FileFd(3, "/etc/passwd");
        thread.Fds.Set(file);
        ScapEvent evt = EventBuilder.OpenatExit(Ts, thread.Tid, 3, "/etc/passwd", 4097);
        evt.Number = 42;
        return TestContexts.For(evt, thread, file);
    }

    private static JsonElement Fields(OutputFormat format, EventContext context, OutputFormat? merged = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            format.WriteFields(writer, context, merged);
        }
        return JsonDocument.Parse(stream.ToArray()).RootElement.Clone();
    }

    [Fact]
    public void Renders_literals_and_fields()
    {
        OutputFormat format = OutputFormat.Parse("*File opened (evt=%evt.type num=%evt.num flags=%evt.arg.flags res=%evt.res)", FieldRegistry.Default);
        Assert.True(format.RenderMissing);
        Assert.Equal(["evt.type", "evt.num", "evt.arg.flags", "evt.res"], format.FieldNames);
        Assert.Equal("File opened (evt=openat num=42 flags=O_RDONLY|O_CLOEXEC res=SUCCESS)", format.RenderText(Openat()));
    }

    [Fact]
    public void Missing_values_render_as_NA_with_star_and_leave_the_event_out_without()
    {
        EventContext procexit = TestContexts.For(EventBuilder.ProcExit(Ts, 100));
        OutputFormat star = OutputFormat.Parse("*a %evt.res b", FieldRegistry.Default);
        OutputFormat plain = OutputFormat.Parse("a %evt.res b", FieldRegistry.Default);
        Assert.Equal("a <NA> b", star.RenderText(procexit));
        Assert.True(star.TryRenderText(procexit, out string? starText));
        Assert.Equal("a <NA> b", starText);
        Assert.False(plain.TryRenderText(procexit, out string? plainText));
        Assert.Null(plainText);
        Assert.Equal("a <NA> b", plain.RenderText(procexit));
        Assert.True(plain.TryRenderText(Openat(), out string? present));
        Assert.Equal("a SUCCESS b", present);
    }

    [Fact]
    public void Width_pads_and_truncates()
    {
        Assert.Equal("[openat    ]", OutputFormat.Parse("[%10evt.type]", FieldRegistry.Default).RenderText(Openat()));
        Assert.Equal("[op]", OutputFormat.Parse("[%2evt.type]", FieldRegistry.Default).RenderText(Openat()));
    }

    [Fact]
    public void Trailing_punctuation_after_a_field_stays_literal()
    {
        Assert.Equal("type openat.", OutputFormat.Parse("type %evt.type.", FieldRegistry.Default).RenderText(Openat()));
        Assert.Equal("x=openat:y", OutputFormat.Parse("x=%evt.type:y", FieldRegistry.Default).RenderText(Openat()));
    }

    [Theory]
    [InlineData("abc %", 4, "missing field name")]
    [InlineData("abc % x", 4, "invalid formatting token")]
    [InlineData("abc %(evt.type)", 4, "not a valid field reference")]
    [InlineData("x %no.such_field y", 3, "unknown field 'no.such_field'")]
    [InlineData("%evt.type[1]", 1, "does not take an argument")]
    [InlineData("%evt.arg", 1, "requires an argument")]
    [InlineData("%toupper(evt.type)", 0, "transformers")]
    public void Bad_formats_report_the_offset(string source, int offset, string message)
    {
        var error = Assert.Throws<OutputFormatException>(() => OutputFormat.Parse(source, FieldRegistry.Default));
        Assert.Equal(offset, error.Offset);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.False(OutputFormat.TryParse(source, FieldRegistry.Default, out _, out OutputFormatException? again));
        Assert.Equal(offset, again!.Offset);
    }

    [Fact]
    public void Json_fields_are_typed_sorted_and_null_when_missing()
    {
        OutputFormat format = OutputFormat.Parse("*%evt.type %evt.num %evt.failed %evt.res %evt.rawres %evt.arg[0] %evt.buflen", FieldRegistry.Default);
        OutputFormat prefix = OutputFormat.Parse("*%evt.time", FieldRegistry.Default);
        JsonElement json = Fields(format, Openat(), prefix);
        Assert.Equal(["evt.arg[0]", "evt.buflen", "evt.failed", "evt.num", "evt.rawres", "evt.res", "evt.time", "evt.type"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, json.GetProperty("evt.type").ValueKind);
        Assert.Equal(42, json.GetProperty("evt.num").GetInt64());
        Assert.Equal(JsonValueKind.False, json.GetProperty("evt.failed").ValueKind);
        Assert.Equal(3, json.GetProperty("evt.rawres").GetInt64());
        Assert.Equal("<f>/etc/passwd", json.GetProperty("evt.arg[0]").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("evt.buflen").ValueKind);
        Assert.Equal((long)Ts, json.GetProperty("evt.time").GetInt64());
    }

    [Fact]
    public void Formatter_follows_print_formats()
    {
        Assert.Equal(JsonFieldKind.Number, FieldValueFormatter.JsonKindOf(ParamType.Uint32, ParamFormat.Dec));
        Assert.Equal(JsonFieldKind.String, FieldValueFormatter.JsonKindOf(ParamType.Uint32, ParamFormat.Hex));
        Assert.Equal(JsonFieldKind.String, FieldValueFormatter.JsonKindOf(ParamType.Ipaddr, ParamFormat.Na));
        Assert.Equal(JsonFieldKind.Bool, FieldValueFormatter.JsonKindOf(ParamType.Bool, ParamFormat.Na));
        Assert.Equal(JsonFieldKind.Number, FieldValueFormatter.JsonKindOf(ParamType.Port, ParamFormat.Na));
    }

    [Fact]
    public void Unsigned_values_print_unsigned()
    {
        var field = new FieldDescriptor("test.uid", ParamType.Uint32, "", (_, _) => throw new InvalidOperationException(), format: ParamFormat.Dec);
        var extractor = new DelegateFieldExtractor(field, (EventContext c, ref FieldValue v) => true);
        var value = new FieldValue { Int = -1 };
        Assert.Equal("4294967295", FieldValueFormatter.ToText(extractor, value));
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            FieldValueFormatter.WriteJson(writer, extractor, value, present: true);
        }
        Assert.Equal("4294967295", Encoding.UTF8.GetString(stream.ToArray()));
    }
}
