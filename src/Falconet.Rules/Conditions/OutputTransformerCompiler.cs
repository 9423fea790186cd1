using Falconet.Fields;
using Falconet.Fields.OutputFormats;

namespace Falconet.Rules.Conditions;

/// <summary>
/// Compiles the transformer calls of output formats (<c>%toupper(proc.name)</c>, <c>%join(",", (a.b, c.d))</c>) with
/// the condition language's parser and type rules, so an output is checked at load exactly as a condition is.
/// </summary>
public sealed class OutputTransformerCompiler(FieldRegistry? registry = null) : IOutputTransformerCompiler
{
    private readonly ConditionCompiler _compiler = new(registry);

    /// <summary>
    /// The message libsinsp gives for every bad token of a format (it is cut short in libsinsp itself); the
    /// multi-value transformer lookup is the one failure reported in its own words.
    /// </summary>
    public const string FalcoTokenError = "unknown filter: unexpected token after '";

    /// <inheritdoc/>
    public OutputTransformer Compile(string format, int start)
    {
        ArgumentNullException.ThrowIfNull(format);
        try
        {
            TransformerNode node = ConditionParser.ParseTransformerAt(format, start, out int end);
            (FieldExtractor extractor, List<KeyValuePair<string, FieldExtractor>> fields) = _compiler.BindOutputTransformer(node);
            return new OutputTransformer(extractor, end, fields);
        }
        catch (ConditionSyntaxError e)
        {
            throw new OutputFormatException($"{e.Message} (transformer at offset {start})", start, OutputFormatErrorKind.UnknownField, format[start..]);
        }
        catch (ConditionCompileError e)
        {
            OutputFormatErrorKind kind = e.Message == "unknown multivalue transformer" ? OutputFormatErrorKind.Invalid : OutputFormatErrorKind.UnknownField;
            throw new OutputFormatException(e.Message, start, kind, format[start..]);
        }
    }
}
