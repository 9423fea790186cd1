namespace Falconet.Fields;

/// <summary>
/// Creates the extractor of <paramref name="field"/> bound to <paramref name="argument"/>. The descriptor is passed
/// in so that a factory never has to capture the descriptor it is being stored in.
/// May throw <see cref="FieldArgumentException"/> for a bad argument (e.g. a non-numeric index).
/// </summary>
/// <param name="field">The descriptor the extractor belongs to.</param>
/// <param name="argument">The argument as written, or null when the reference has none.</param>
public delegate FieldExtractor FieldExtractorFactory(FieldDescriptor field, FieldArgument? argument);
