using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Falconet.Core.Text;

namespace Falconet.Fields.OutputFormats;

/// <summary>
/// A compiled Falco output format string: literal text and <c>%field</c> references (<c>%proc.name</c>,
/// <c>%proc.aname[2]</c>, <c>%evt.arg.flags</c>, <c>%10proc.name</c> padded/truncated to 10 characters).
/// A leading <c>*</c> renders missing values as <c>&lt;NA&gt;</c>; without it, an event lacking any field of the
/// format has no line at all (<see cref="TryRenderText"/>, as sysdig's <c>-p</c>; Falco always adds the <c>*</c> to
/// rule outputs). Parse once, render per event.
/// Instances hold extractor state: use one per thread.
/// </summary>
public sealed class OutputFormat
{
    private readonly Segment[] _segments;
    private readonly FieldSlot[] _fieldsByName;
    private readonly StringBuilder _text = new(256);

    private OutputFormat(string source, bool renderMissing, Segment[] segments)
    {
        Source = source;
        RenderMissing = renderMissing;
        _segments = segments;
        var byName = new Dictionary<string, FieldSlot>(StringComparer.Ordinal);
        foreach (Segment segment in segments)
        {
            if (segment.Field is not null)
            {
                byName.TryAdd(segment.Field.Key, segment.Field);
            }
        }
        _fieldsByName = [.. byName.Values.OrderBy(f => f.Key, StringComparer.Ordinal)];
        FieldNames = [.. segments.Where(s => s.Field is not null).Select(s => s.Field!.Key).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The format string as given.</summary>
    public string Source { get; }

    /// <summary>True when the format started with <c>*</c>.</summary>
    public bool RenderMissing { get; }

    /// <summary>The field tokens as written (<c>proc.aname[2]</c>), in order of first appearance, without duplicates.</summary>
    public IReadOnlyList<string> FieldNames { get; }

    /// <summary>The largest field width (<c>%20proc.name</c>) a format may give.</summary>
    public const int MaxWidth = 4096;

    /// <summary>Compiles <paramref name="format"/>; throws <see cref="OutputFormatException"/> with the offset of the first problem.</summary>
    public static OutputFormat Parse(string format, FieldRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(registry);
        bool renderMissing = format.StartsWith('*');
        int pos = renderMissing ? 1 : 0;
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        while (pos < format.Length)
        {
            char c = format[pos];
            if (c != '%')
            {
                literal.Append(c);
                pos++;
                continue;
            }
            int start = pos;
            pos++;
            int width = 0;
            while (pos < format.Length && char.IsAsciiDigit(format[pos]))
            {
                // Bounded: a width pads every rendered value, so a huge one is an allocation bomb (and a checked
                // overflow was an unhandled exception; found by fuzzing).
                width = (width * 10) + (format[pos] - '0');
                if (width > MaxWidth)
                {
                    throw new OutputFormatException($"field width at offset {start} is larger than {MaxWidth}", start);
                }
                pos++;
            }
            if (pos >= format.Length)
            {
                throw new OutputFormatException($"missing field name after '%' at offset {start}", start);
            }
            if (format[pos] == '(')
            {
                throw new OutputFormatException($"'%(field)' is not a valid field reference (offset {start}); write %field", start);
            }
            if (!char.IsAsciiLetter(format[pos]))
            {
                throw new OutputFormatException($"invalid formatting token at offset {start}: '%' must be followed by a field name", start);
            }
            int nameStart = pos;
            while (pos < format.Length && (char.IsAsciiLetterOrDigit(format[pos]) || format[pos] is '_' or '.' or '-'))
            {
                pos++;
            }
            if (pos < format.Length && format[pos] == '(')
            {
                throw new OutputFormatException(
                    $"field transformers ('{format[nameStart..pos]}(...)' at offset {start}) are not supported in output formats yet", start);
            }
            string token = format[nameStart..pos].TrimEnd('.', '-');
            FieldSlot slot = ResolveField(format, registry, nameStart, ref token, ref pos, width);
            if (literal.Length > 0)
            {
                segments.Add(new Segment(literal.ToString(), null));
                literal.Clear();
            }
            segments.Add(new Segment(null, slot));
        }
        if (literal.Length > 0)
        {
            segments.Add(new Segment(literal.ToString(), null));
        }
        return new OutputFormat(format, renderMissing, [.. segments]);
    }

    /// <summary>Like <see cref="Parse"/> but returns the error instead of throwing.</summary>
    public static bool TryParse(string format, FieldRegistry registry, out OutputFormat? result, out OutputFormatException? error) =>
        ParseAttempt.Run(() => Parse(format, registry), out result, out error);

    private static FieldSlot ResolveField(string format, FieldRegistry registry, int nameStart, ref string token, ref int pos, int width)
    {
        // Longest registered name wins; what follows a shorter match is literal text again (e.g. "%proc.name.").
        string candidate = token;
        FieldDescriptor? field;
        string? dotted;
        while (!registry.TryResolve(candidate, out field, out dotted))
        {
            int dot = candidate.LastIndexOf('.');
            if (dot <= 0)
            {
                throw new OutputFormatException($"unknown field '{token}' at offset {nameStart}", nameStart, OutputFormatErrorKind.UnknownField, token);
            }
            candidate = candidate[..dot];
        }
        pos = nameStart + candidate.Length;
        token = candidate;
        string? bracketed = null;
        if (pos < format.Length && format[pos] == '[')
        {
            int close = format.IndexOf(']', pos + 1);
            if (close < 0)
            {
                throw new OutputFormatException($"missing ']' after '{token}[' at offset {pos}", pos);
            }
            bracketed = format[(pos + 1)..close].Trim('"', '\'');
            if (bracketed.Length == 0)
            {
                throw new OutputFormatException($"empty argument '[]' for '{token}' at offset {pos}", pos);
            }
            pos = close + 1;
        }
        if ((field.Flags & FieldFlags.FilterOnly) != 0)
        {
            throw new OutputFormatException($"{field.Name} is filter only and cannot be used as a display field (offset {nameStart})", nameStart,
                OutputFormatErrorKind.FilterOnly, field.Name);
        }
        string? argumentText = dotted ?? bracketed;
        if (dotted is not null && bracketed is not null)
        {
            throw new OutputFormatException($"'{token}' has an argument twice (offset {nameStart})", nameStart);
        }
        if (argumentText is not null && field.ArgumentMode == FieldArgumentMode.None)
        {
            throw new OutputFormatException($"field '{field.Name}' does not take an argument (offset {nameStart})", nameStart);
        }
        if (argumentText is null && field.ArgumentMode == FieldArgumentMode.Required)
        {
            throw new OutputFormatException($"field '{field.Name}' requires an argument (offset {nameStart})", nameStart);
        }
        FieldExtractor extractor;
        try
        {
            extractor = field.CreateExtractor(argumentText is null ? null : new FieldArgument(argumentText));
        }
        catch (FieldArgumentException e)
        {
            throw new OutputFormatException($"{e.Message} (field '{field.Name}' at offset {nameStart})", nameStart);
        }
        string key = bracketed is null ? token : $"{token}[{bracketed}]";
        return new FieldSlot(key, extractor, width);
    }

    /// <summary>
    /// The rendered text for the current event of <paramref name="context"/>, every missing value as <c>&lt;NA&gt;</c>
    /// whether or not the format starts with <c>*</c>.
    /// </summary>
    public string RenderText(EventContext context)
    {
        Render(context, requireAll: false);
        return _text.ToString();
    }

    /// <summary>
    /// The rendered text when the event has every field of the format, or the format starts with <c>*</c> (missing
    /// values then print <c>&lt;NA&gt;</c>); false, with no text, when a field is missing from a format without it.
    /// </summary>
    public bool TryRenderText(EventContext context, [NotNullWhen(true)] out string? text)
    {
        if (!Render(context, requireAll: !RenderMissing))
        {
            text = null;
            return false;
        }
        text = _text.ToString();
        return true;
    }

    private bool Render(EventContext context, bool requireAll)
    {
        _text.Clear();
        foreach (Segment segment in _segments)
        {
            if (segment.Literal is not null)
            {
                _text.Append(segment.Literal);
                continue;
            }
            FieldSlot slot = segment.Field!;
            FieldValue value = default;
            string text;
            if (slot.Extractor.TryExtract(context, ref value))
            {
                text = FieldValueFormatter.ToText(slot.Extractor, value);
            }
            else if (requireAll)
            {
                return false;
            }
            else
            {
                text = FieldValueFormatter.NotAvailable;
            }
            if (slot.Width > 0)
            {
                text = text.Length > slot.Width ? text[..slot.Width] : text.PadRight(slot.Width);
            }
            _text.Append(text);
        }
        return true;
    }

    /// <summary>
    /// Writes the <c>output_fields</c> object: one property per field token, keys sorted (ordinal), typed values,
    /// null for missing ones. Fields of <paramref name="merged"/> (e.g. the <c>%evt.time</c> prefix) are included too.
    /// </summary>
    public void WriteFields(Utf8JsonWriter writer, EventContext context, OutputFormat? merged = null)
    {
        IEnumerable<FieldSlot> slots = _fieldsByName;
        if (merged is not null)
        {
            slots = _fieldsByName.Concat(merged._fieldsByName)
                .GroupBy(s => s.Key, StringComparer.Ordinal).Select(g => g.First())
                .OrderBy(s => s.Key, StringComparer.Ordinal);
        }
        writer.WriteStartObject();
        foreach (FieldSlot slot in slots)
        {
            FieldValue value = default;
            bool present = slot.Extractor.TryExtract(context, ref value);
            writer.WritePropertyName(slot.Key);
            FieldValueFormatter.WriteJson(writer, slot.Extractor, value, present);
        }
        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public override string ToString() => Source;

    private sealed record FieldSlot(string Key, FieldExtractor Extractor, int Width);

    private sealed record Segment(string? Literal, FieldSlot? Field);
}
