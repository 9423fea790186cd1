using Falconet.Fields;

namespace Falconet.Rules.Loading;

/// <summary>A problem with a rule's output format string.</summary>
/// <param name="IsUnknownField">True for unknown fields (downgraded by <c>skip-if-unknown-filter</c>).</param>
public sealed record OutputFormatError(string Message, bool IsUnknownField);

/// <summary>
/// Reads the <c>%field</c> tokens of an output format string (falco-reference §5.1) for load-time
/// validation and for <c>-L</c>'s <c>output_fields</c>. Rendering is the outputs' business.
/// </summary>
public static class OutputFormat
{
    /// <summary>The field tokens in order, as written (<c>proc.aname[2]</c>, <c>toupper(proc.name)</c>).</summary>
    public static IReadOnlyList<string> FieldTokens(string format, FieldRegistry fields)
    {
        var tokens = new List<string>();
        Scan(format, fields, tokens);
        return tokens;
    }

    /// <summary>Null when every token names a known field usable in outputs.</summary>
    public static OutputFormatError? Validate(string format, FieldRegistry fields) => Scan(format, fields, null);

    private static OutputFormatError? Scan(string format, FieldRegistry fields, List<string>? tokens)
    {
        int i = 0;
        // Falco prepends '*' itself; a leading '*' only means "render missing fields as <NA>".
        if (format.StartsWith('*'))
        {
            i = 1;
        }
        while (i < format.Length)
        {
            if (format[i] != '%')
            {
                i++;
                continue;
            }
            int start = ++i;
            while (i < format.Length && char.IsAsciiDigit(format[i]))
            {
                i++;
            }
            int nameStart = i;
            while (i < format.Length && (char.IsAsciiLetterOrDigit(format[i]) || format[i] == '_' || format[i] == '.'))
            {
                i++;
            }
            if (i == nameStart)
            {
                return new OutputFormatError($"invalid formatting token {format[(start - 1)..Math.Min(format.Length, start + 10)]}", true);
            }
            string word = format[nameStart..i];
            if (i < format.Length && format[i] == '(')
            {
                // Transformer: take the balanced parentheses; the innermost field must exist.
                int depth = 0;
                int j = i;
                for (; j < format.Length; j++)
                {
                    depth += format[j] == '(' ? 1 : format[j] == ')' ? -1 : 0;
                    if (depth == 0)
                    {
                        break;
                    }
                }
                if (j >= format.Length)
                {
                    return new OutputFormatError($"missing closing parenthesis in output token %{format[nameStart..]}", false);
                }
                string inner = format[(i + 1)..j].Trim();
                if (!ExceptionRewriter.IsFieldDefined(fields, inner))
                {
                    return new OutputFormatError($"invalid formatting token %{format[nameStart..(j + 1)]}", true);
                }
                tokens?.Add(format[nameStart..(j + 1)].Replace(" ", "", StringComparison.Ordinal));
                i = j + 1;
                continue;
            }
            // Longest registered prefix wins; the rest (e.g. a trailing '.') is text.
            string? name = null;
            FieldDescriptor? descriptor = null;
            for (string candidate = word; candidate.Length > 0; candidate = candidate[..Math.Max(0, candidate.LastIndexOf('.'))])
            {
                if (fields.TryResolve(candidate, out descriptor, out _))
                {
                    name = candidate;
                    break;
                }
                if (candidate.LastIndexOf('.') < 0)
                {
                    break;
                }
            }
            if (name is null || descriptor is null)
            {
                return new OutputFormatError($"invalid formatting token %{word}", true);
            }
            if ((descriptor.Flags & FieldFlags.FilterOnly) != 0)
            {
                return new OutputFormatError($"{name} is filter only and cannot be used as a display field", false);
            }
            i = nameStart + name.Length;
            string token = name;
            if (i < format.Length && format[i] == '[')
            {
                int close = format.IndexOf(']', i);
                if (close < 0)
                {
                    return new OutputFormatError($"missing ']' in output token %{format[nameStart..]}", false);
                }
                token = format[nameStart..(close + 1)];
                i = close + 1;
            }
            tokens?.Add(token);
        }
        return null;
    }
}
