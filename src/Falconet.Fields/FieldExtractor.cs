namespace Falconet.Fields;

/// <summary>
/// Extracts one field (with its argument bound) from the current event and state.
/// Extraction must not allocate per event once warm: return strings held in state, and cache derived strings
/// (per thread, fd or value) or build them in buffers the extractor reuses.
/// </summary>
public abstract class FieldExtractor
{
    /// <summary>Binds the extractor to its descriptor.</summary>
    /// <param name="field">The field this extractor extracts.</param>
    protected FieldExtractor(FieldDescriptor field) => Field = field;

    /// <summary>The field this extractor extracts.</summary>
    public FieldDescriptor Field { get; }

    /// <summary>The type of the extracted value (usually the field's type; transformers may change it).</summary>
    public virtual ParamType Type => Field.Type;

    /// <summary>Returns false when the field has no value for this event (every comparison is then false, output shows &lt;NA&gt;).</summary>
    public abstract bool TryExtract(EventContext context, ref FieldValue value);

    /// <summary>
    /// The value an output (text line or <c>output_fields</c>) shows. The same as a condition sees, except for fields
    /// whose comparison looks at several values where libsinsp prints one (<c>proc.aenv</c> compares every ancestor's
    /// environment and prints the process's own).
    /// </summary>
    public virtual bool TryExtractForOutput(EventContext context, ref FieldValue value) => TryExtract(context, ref value);
}
