namespace Falconet.Fields.OutputFormats;

/// <summary>A compiled transformer call of an output format.</summary>
/// <param name="extractor">Extracts the transformed value the text shows.</param>
/// <param name="end">The offset just after the call in the format string.</param>
/// <param name="fields">
/// The fields the call reads, by token as written, with their own extractors: <c>output_fields</c> shows them
/// untransformed, as Falco does.
/// </param>
public sealed class OutputTransformer(FieldExtractor extractor, int end, IReadOnlyList<KeyValuePair<string, FieldExtractor>> fields)
{
    /// <summary>Extracts the transformed value the text shows.</summary>
    public FieldExtractor Extractor { get; } = extractor;

    /// <summary>The offset just after the call in the format string.</summary>
    public int End { get; } = end;

    /// <summary>The fields the call reads, by token as written, each with its own extractor.</summary>
    public IReadOnlyList<KeyValuePair<string, FieldExtractor>> Fields { get; } = fields;
}
