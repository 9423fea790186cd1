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
    private readonly int[] _sortedIndexInFormatOrder;
    private readonly FieldValue[] _jsonValues;
    private readonly bool[] _jsonPresent;
    private readonly StringBuilder _text = new(256);

    private OutputFormat(string source, bool renderMissing, Segment[] segments)
    {
        Source = source;
        RenderMissing = renderMissing;
        _segments = segments;
        var byName = new Dictionary<string, FieldSlot>(StringComparer.Ordinal);
        foreach (Segment segment in segments)
        {
            foreach (FieldSlot field in segment.JsonFields)
            {
                byName.TryAdd(field.Key, field);
            }
        }
        _fieldsByName = [.. byName.Values.OrderBy(f => f.Key, StringComparer.Ordinal)];
        // byName keeps first appearance order: the order Falco resolves output fields in.
        _sortedIndexInFormatOrder = [.. byName.Values.Select(f => Array.IndexOf(_fieldsByName, f))];
        _jsonValues = new FieldValue[_fieldsByName.Length];
        _jsonPresent = new bool[_fieldsByName.Length];
        FieldNames = [.. segments.SelectMany(s => s.JsonFields).Select(f => f.Key).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The format string as given.</summary>
    public string Source { get; }

    /// <summary>True when the format started with <c>*</c>.</summary>
    public bool RenderMissing { get; }

    /// <summary>
    /// The field tokens as written (<c>proc.aname[2]</c>), in order of first appearance, without duplicates; a
    /// transformer call contributes the fields it reads.
    /// </summary>
    public IReadOnlyList<string> FieldNames { get; }

    /// <summary>The largest field width (<c>%20proc.name</c>) a format may give.</summary>
    public const int MaxWidth = 4096;

    /// <summary>
    /// Compiles <paramref name="format"/>; throws <see cref="OutputFormatException"/> with the offset of the first problem.
    /// Transformer calls (<c>%toupper(proc.name)</c>) need <paramref name="transformers"/>; without it they are an error.
    /// </summary>
    public static OutputFormat Parse(string format, FieldRegistry registry, IOutputTransformerCompiler? transformers = null)
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
                throw new OutputFormatException($"missing field name after '%' at offset {start}", start, OutputFormatErrorKind.UnknownField, "");
            }
            if (format[pos] == '(')
            {
                throw new OutputFormatException($"'%(field)' is not a valid field reference (offset {start}); write %field", start);
            }
            if (!char.IsAsciiLetter(format[pos]))
            {
                throw new OutputFormatException($"invalid formatting token at offset {start}: '%' must be followed by a field name", start,
                    OutputFormatErrorKind.UnknownField, "");
            }
            int nameStart = pos;
            while (pos < format.Length && (char.IsAsciiLetterOrDigit(format[pos]) || format[pos] is '_' or '.' or '-'))
            {
                pos++;
            }
            Segment segment;
            if (pos < format.Length && format[pos] == '(')
            {
                if (transformers is null)
                {
                    throw new OutputFormatException(
                        $"field transformers ('{format[nameStart..pos]}(...)' at offset {start}) are not supported in this format", start);
                }
                OutputTransformer call = transformers.Compile(format, nameStart);
                pos = call.End;
                var slot = new FieldSlot(format[nameStart..pos], call.Extractor, width);
                segment = new Segment(null, slot, [.. call.Fields.Select(f => new FieldSlot(f.Key, f.Value, 0))]);
            }
            else
            {
                string token = format[nameStart..pos];
                FieldSlot slot = ResolveField(format, registry, nameStart, ref token, ref pos, width);
                segment = new Segment(null, slot, [slot]);
            }
            if (literal.Length > 0)
            {
                segments.Add(new Segment(literal.ToString(), null, []));
                literal.Clear();
            }
            segments.Add(segment);
        }
        if (literal.Length > 0)
        {
            segments.Add(new Segment(literal.ToString(), null, []));
        }
        return new OutputFormat(format, renderMissing, [.. segments]);
    }

    /// <summary>Like <see cref="Parse"/> but returns the error instead of throwing.</summary>
    public static bool TryParse(string format, FieldRegistry registry, out OutputFormat? result, out OutputFormatException? error,
        IOutputTransformerCompiler? transformers = null) =>
        ParseAttempt.Run(() => Parse(format, registry, transformers), out result, out error);

    private static FieldSlot ResolveField(string format, FieldRegistry registry, int nameStart, ref string token, ref int pos, int width)
    {
        // The longest registered name that starts the token wins, character by character as libsinsp reads it;
        // the rest is literal text again ("%proc.nameand" is proc.name then "and").
        FieldDescriptor? field = null;
        string? dotted = null;
        string candidate = token;
        while (candidate.Length > 0 && (candidate.EndsWith('.') || !registry.TryResolve(candidate, out field, out dotted)))
        {
            candidate = candidate[..^1];
        }
        if (field is null)
        {
            throw new OutputFormatException($"unknown field '{token}' at offset {nameStart}", nameStart, OutputFormatErrorKind.UnknownField, token);
        }
        pos = nameStart + candidate.Length;
        token = candidate;
        string? bracketed = null;
        if (pos < format.Length && format[pos] == '[')
        {
            // An argument is a quoted string or a run without blanks, brackets or quotes, closed by ']'; anything
            // else (unterminated, empty) is no argument and stays literal text, as in libsinsp.
            int i = pos + 1;
            string? inside = null;
            if (i < format.Length && format[i] is '"' or '\'')
            {
                int quote = format.IndexOf(format[i], i + 1);
                if (quote > i + 1)
                {
                    inside = format[(i + 1)..quote];
                    i = quote + 1;
                }
            }
            else
            {
                int runStart = i;
                while (i < format.Length && format[i] is not ('[' or ']' or '"' or '\'') && !char.IsWhiteSpace(format[i]))
                {
                    i++;
                }
                inside = i > runStart ? format[runStart..i] : null;
            }
            if (inside is not null && i < format.Length && format[i] == ']')
            {
                bracketed = inside;
                pos = i + 1;
            }
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
        FieldExtractor jsonExtractor;
        try
        {
            // The output_fields get extractors of their own, as in Falco: a field that keeps state per reference
            // (evt.deltatime) counts the text and the fields apart.
            extractor = field.CreateExtractor(argumentText is null ? null : new FieldArgument(argumentText));
            jsonExtractor = field.CreateExtractor(argumentText is null ? null : new FieldArgument(argumentText));
        }
        catch (FieldArgumentException e)
        {
            throw new OutputFormatException($"{e.Message} (field '{field.Name}' at offset {nameStart})", nameStart);
        }
        if ((field.Flags & FieldFlags.FilterOnly) != 0)
        {
            // libsinsp accepts filter-only fields in outputs: the either-end ones (fd.ip, fd.port, fd.net, fd.proto)
            // print <NA>, the network ones (fd.cnet, fd.snet, fd.lnet, fd.rnet) the text <IPNET>.
            string? text = extractor is IEitherEndExtractor || field.Type != Falconet.Core.Events.ParamType.Ipnet ? null : "<IPNET>";
            extractor = new FilterOnlyExtractor(field, text);
            jsonExtractor = new FilterOnlyExtractor(field, text);
        }
        string key = bracketed is null ? token : $"{token}[{bracketed}]";
        return new FieldSlot(key, extractor, width) { JsonExtractor = jsonExtractor };
    }

    /// <summary>A filter-only field in an output: a fixed text, or never a value.</summary>
    private sealed class FilterOnlyExtractor(FieldDescriptor field, string? text) : FieldExtractor(field)
    {
        public override Falconet.Core.Events.ParamType Type => text is null ? Field.Type : Falconet.Core.Events.ParamType.Charbuf;

        public override bool TryExtract(EventContext context, ref FieldValue value)
        {
            value.String = text;
            return text is not null;
        }
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
            if (slot.Extractor.TryExtractForOutput(context, ref value))
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
    /// With <paramref name="resolveTwice"/>, each field is extracted twice and shows the second value, as Falco 0.44.1's
    /// alerts do (measured: evt.deltatime is 0 there, thread.cpu 0.0): only fields that keep state between
    /// extractions can tell.
    /// </summary>
    public void WriteFields(Utf8JsonWriter writer, EventContext context, OutputFormat? merged = null, bool resolveTwice = false)
    {
        // Resolved in the order the format names them, written sorted by key.
        foreach (int i in _sortedIndexInFormatOrder)
        {
            FieldExtractor extractor = _fieldsByName[i].JsonExtractor ?? _fieldsByName[i].Extractor;
            _jsonValues[i] = default;
            if (resolveTwice)
            {
                extractor.TryExtractForOutput(context, ref _jsonValues[i]);
                _jsonValues[i] = default;
            }
            _jsonPresent[i] = extractor.TryExtractForOutput(context, ref _jsonValues[i]);
        }
        writer.WriteStartObject();
        if (merged is null)
        {
            for (int i = 0; i < _fieldsByName.Length; i++)
            {
                WriteOwn(writer, i);
            }
        }
        else
        {
            IEnumerable<(FieldSlot Slot, int Own)> slots = _fieldsByName.Select((slot, i) => (slot, i))
                .Concat(merged._fieldsByName.Select(slot => (slot, -1)))
                .GroupBy(s => s.Item1.Key, StringComparer.Ordinal).Select(g => g.First())
                .OrderBy(s => s.Item1.Key, StringComparer.Ordinal);
            foreach ((FieldSlot slot, int own) in slots)
            {
                if (own >= 0)
                {
                    WriteOwn(writer, own);
                    continue;
                }
                FieldValue value = default;
                FieldExtractor extractor = slot.JsonExtractor ?? slot.Extractor;
                bool present = extractor.TryExtractForOutput(context, ref value);
                writer.WritePropertyName(slot.Key);
                FieldValueFormatter.WriteJson(writer, extractor, value, present);
            }
        }
        writer.WriteEndObject();
    }

    private void WriteOwn(Utf8JsonWriter writer, int index)
    {
        FieldSlot slot = _fieldsByName[index];
        writer.WritePropertyName(slot.Key);
        FieldValueFormatter.WriteJson(writer, slot.JsonExtractor ?? slot.Extractor, _jsonValues[index], _jsonPresent[index]);
    }

    /// <inheritdoc/>
    public override string ToString() => Source;

    private sealed record FieldSlot(string Key, FieldExtractor Extractor, int Width)
    {
        /// <summary>The extractor output_fields use (null: <see cref="Extractor"/>, e.g. for a transformer's fields).</summary>
        public FieldExtractor? JsonExtractor { get; init; }
    }

    /// <summary>Literal text or a value; <see cref="JsonFields"/> are what it adds to <c>output_fields</c> (for a transformer, the fields it reads).</summary>
    private sealed record Segment(string? Literal, FieldSlot? Field, FieldSlot[] JsonFields);
}
