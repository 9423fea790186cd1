using Falconet.Fields.OutputFormats;

namespace Falconet.Fields;

/// <summary>An extractor from a delegate, for the many simple fields.</summary>
/// <param name="field">The field this extractor extracts.</param>
/// <param name="extract">The extraction itself.</param>
/// <param name="style">How the value departs from the plain output rules of its type, if at all.</param>
public sealed class DelegateFieldExtractor(FieldDescriptor field, DelegateFieldExtractor.Extract extract, FieldOutputStyle style = FieldOutputStyle.None)
    : FieldExtractor(field), IFieldOutputStyle
{
    /// <summary>Extracts the value for the current event; false when the field has none.</summary>
    public delegate bool Extract(EventContext context, ref FieldValue value);

    /// <inheritdoc/>
    public FieldOutputStyle OutputStyle => style;

    /// <inheritdoc/>
    public override bool TryExtract(EventContext context, ref FieldValue value) => extract(context, ref value);
}
