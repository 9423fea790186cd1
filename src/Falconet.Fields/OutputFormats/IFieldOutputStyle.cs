namespace Falconet.Fields.OutputFormats;

/// <summary>Implemented by extractors whose output does not follow the plain rules for their type.</summary>
public interface IFieldOutputStyle
{
    /// <summary>How this extractor's values depart from the plain rules.</summary>
    FieldOutputStyle OutputStyle { get; }
}
