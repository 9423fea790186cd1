using System.Globalization;
using System.Text;
using System.Text.Json;
using Falconet.Fields.ArgumentRendering;

namespace Falconet.Fields.OutputFormats;

/// <summary>
/// Turns extracted field values into output text and JSON the way Falco does (libsinsp <c>rawval_to_string</c> /
/// <c>rawval_to_json</c>): integers in decimal unless the print format says hex/octal, booleans as true/false,
/// addresses in their usual notation, buffers with non-printable bytes as '.', lists as <c>(a,b)</c>.
/// In JSON, integer types with a decimal format are numbers, hex/octal ones strings, strings and addresses strings,
/// booleans booleans, a missing value null.
/// </summary>
public static class FieldValueFormatter
{
    /// <summary>The text Falco prints for a missing value.</summary>
    public const string NotAvailable = "<NA>";

    /// <summary>The text of a present value, as Falco prints it in an output line.</summary>
    public static string ToText(FieldExtractor extractor, in FieldValue value)
    {
        if (value.List is not null)
        {
            return "(" + string.Join(',', value.List) + ")";
        }
        FieldOutputStyle style = StyleOf(extractor);
        if ((style & FieldOutputStyle.TextZeroPadded) != 0)
        {
            return value.Int.ToString("D9", CultureInfo.InvariantCulture);
        }
        ParamType type = extractor.Type;
        ParamFormat format = FormatOf(extractor);
        switch (type)
        {
            case ParamType.Bool:
                return value.Int != 0 ? "true" : "false";
            case ParamType.Charbuf or ParamType.Fspath or ParamType.Fsrelpath:
                return value.String ?? "";
            case ParamType.Bytebuf:
                return BufferText(value.String);
            case ParamType.Ipv4addr or ParamType.Ipv6addr or ParamType.Ipaddr or ParamType.Ipv4net or ParamType.Ipv6net or ParamType.Ipnet:
                return value.Ip?.ToString() ?? value.String ?? NotAvailable;
            case ParamType.Double:
                return value.Double.ToString("F1", CultureInfo.InvariantCulture);
            case ParamType.Int8 or ParamType.Int16 or ParamType.Int32 or ParamType.Int64 or ParamType.Pid or ParamType.Fd
                or ParamType.Errno or ParamType.Fd32 or ParamType.Pid32:
                return IntegerText(value.Int, format, Width(type), signed: true);
            default:
                if (IsUnsignedInteger(type))
                {
                    return IntegerText(value.Int, format, Width(type), signed: false);
                }
                return value.String ?? value.Int.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Writes the value for <c>output_fields</c>: null when not <paramref name="present"/>.</summary>
    public static void WriteJson(Utf8JsonWriter writer, FieldExtractor extractor, in FieldValue value, bool present)
    {
        if (!present)
        {
            writer.WriteNullValue();
            return;
        }
        if (value.List is not null)
        {
            writer.WriteStartArray();
            foreach (string item in value.List)
            {
                writer.WriteStringValue(item);
            }
            writer.WriteEndArray();
            return;
        }
        if ((StyleOf(extractor) & FieldOutputStyle.JsonInteger) != 0)
        {
            writer.WriteNumberValue(value.Int);
            return;
        }
        ParamType type = extractor.Type;
        switch (JsonKindOf(type, FormatOf(extractor)))
        {
            case JsonFieldKind.Bool:
                writer.WriteBooleanValue(value.Int != 0);
                break;
            case JsonFieldKind.Number when type == ParamType.Double:
                WriteDouble(writer, value.Double);
                break;
            case JsonFieldKind.Number when IsUnsignedInteger(type):
                writer.WriteNumberValue(Mask((ulong)value.Int, Width(type)));
                break;
            case JsonFieldKind.Number:
                writer.WriteNumberValue(value.Int);
                break;
            default:
                writer.WriteStringValue(ToText(extractor, value));
                break;
        }
    }

    /// <summary>The JSON kind of a present value of a field of this type and print format.</summary>
    public static JsonFieldKind JsonKindOf(ParamType type, ParamFormat format)
    {
        bool decimalFormat = format is ParamFormat.Dec or ParamFormat.Na;
        return type switch
        {
            ParamType.Bool => JsonFieldKind.Bool,
            ParamType.Double => JsonFieldKind.Number,
            ParamType.Charbuf or ParamType.Fspath or ParamType.Fsrelpath or ParamType.Bytebuf
                or ParamType.Ipv4addr or ParamType.Ipv6addr or ParamType.Ipaddr or ParamType.Ipv4net or ParamType.Ipv6net or ParamType.Ipnet
                or ParamType.Sockaddr or ParamType.Socktuple or ParamType.Fdlist or ParamType.Charbufarray or ParamType.CharbufPairArray
                or ParamType.Sigset or ParamType.Dyn => JsonFieldKind.String,
            _ => decimalFormat ? JsonFieldKind.Number : JsonFieldKind.String,
        };
    }

    /// <summary>The JSON kind a present value of this bound field takes (its output style included).</summary>
    public static JsonFieldKind JsonKindOf(FieldExtractor extractor) =>
        (StyleOf(extractor) & FieldOutputStyle.JsonInteger) != 0 ? JsonFieldKind.Number
        : (extractor.Field.Flags & FieldFlags.IsList) != 0 ? JsonFieldKind.Array
        : JsonKindOf(extractor.Type, FormatOf(extractor));

    private static FieldOutputStyle StyleOf(FieldExtractor extractor) =>
        extractor is IFieldOutputStyle styled ? styled.OutputStyle : FieldOutputStyle.None;

    private static ParamFormat FormatOf(FieldExtractor extractor) =>
        extractor is IFieldPrintFormat printFormat ? printFormat.PrintFormat : extractor.Field.Format;

    private static bool IsUnsignedInteger(ParamType type) => type is ParamType.Uint8 or ParamType.Uint16 or ParamType.Uint32 or ParamType.Uint64
        or ParamType.Port or ParamType.L4proto or ParamType.Sockfamily or ParamType.Flags8 or ParamType.Flags16 or ParamType.Flags32
        or ParamType.Enumflags8 or ParamType.Enumflags16 or ParamType.Enumflags32 or ParamType.Uid or ParamType.Gid or ParamType.Mode
        or ParamType.Abstime or ParamType.Reltime or ParamType.Syscallid or ParamType.Sigtype;

    private static int Width(ParamType type) => type switch
    {
        ParamType.Int8 or ParamType.Uint8 or ParamType.L4proto or ParamType.Sockfamily or ParamType.Flags8 or ParamType.Enumflags8 or ParamType.Sigtype => 8,
        ParamType.Int16 or ParamType.Uint16 or ParamType.Port or ParamType.Flags16 or ParamType.Enumflags16 or ParamType.Syscallid => 16,
        ParamType.Int32 or ParamType.Uint32 or ParamType.Flags32 or ParamType.Enumflags32 or ParamType.Uid or ParamType.Gid or ParamType.Mode
            or ParamType.Fd32 or ParamType.Pid32 => 32,
        _ => 64,
    };

    private static ulong Mask(ulong value, int width) => width == 64 ? value : value & ((1UL << width) - 1);

    private static string IntegerText(long value, ParamFormat format, int width, bool signed)
    {
        ulong bits = Mask((ulong)value, width);
        return format switch
        {
            ParamFormat.Hex => bits.ToString("X", CultureInfo.InvariantCulture),
            ParamFormat.Oct => Convert.ToString((long)bits, 8),
            _ => signed ? value.ToString(CultureInfo.InvariantCulture) : bits.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string BufferText(string? latin1)
    {
        if (latin1 is null)
        {
            return "";
        }
        var sb = new StringBuilder(latin1.Length);
        foreach (char c in latin1)
        {
            sb.Append(c is >= ' ' and < (char)0x7F ? c : '.');
        }
        return sb.ToString();
    }

    /// <summary>
    /// A double as Falco's JSON writer (jsoncpp) prints it: 17 significant digits, and a whole number keeps ".0"
    /// (thread.cpu is 0.0, not 0).
    /// </summary>
    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            writer.WriteNullValue();
            return;
        }
        Span<char> text = stackalloc char[40];
        if (!value.TryFormat(text, out int written, "G17", CultureInfo.InvariantCulture))
        {
            writer.WriteNumberValue(value);
            return;
        }
        if (text[..written].IndexOfAny('.', 'E') < 0)
        {
            text[written++] = '.';
            text[written++] = '0';
        }
        writer.WriteRawValue(text[..written], skipInputValidation: true);
    }
}
