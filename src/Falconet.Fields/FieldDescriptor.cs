namespace Falconet.Fields;

/// <summary>One field of the registry: name, type, argument rules, description and how to extract it.</summary>
/// <param name="name">Full name, e.g. <c>proc.name</c>.</param>
/// <param name="type">The Falco field type.</param>
/// <param name="description">The one-line description <c>--list</c> prints.</param>
/// <param name="factory">Creates an extractor for this descriptor and an argument.</param>
/// <param name="argumentMode">Whether the field takes an argument.</param>
/// <param name="flags">Where the field may be used.</param>
/// <param name="format">The print format of integer values.</param>
public sealed class FieldDescriptor(string name, ParamType type, string description, FieldExtractorFactory factory,
    FieldArgumentMode argumentMode = FieldArgumentMode.None, FieldFlags flags = FieldFlags.None, ParamFormat format = ParamFormat.Na)
{
    /// <summary>Full name, e.g. <c>proc.name</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The class, e.g. <c>proc</c> for <c>proc.name</c>.</summary>
    public string Class => Name[..Name.IndexOf('.', StringComparison.Ordinal)];

    /// <summary>The Falco field type (PT_* as for event parameters).</summary>
    public ParamType Type { get; } = type;

    /// <summary>How integer values print (decimal, hex, octal) when the extractor does not say otherwise.</summary>
    public ParamFormat Format { get; } = format;

    /// <summary>The one-line description shown by <c>--list</c> and the docs.</summary>
    public string Description { get; } = description;

    /// <summary>Whether the field takes an argument.</summary>
    public FieldArgumentMode ArgumentMode { get; } = argumentMode;

    /// <summary>Where the field may be used (filter only, no transformer …).</summary>
    public FieldFlags Flags { get; } = flags;

    /// <summary>
    /// Creates an extractor bound to this field and argument. May throw <see cref="FieldArgumentException"/>
    /// for a bad argument (e.g. a non-numeric index).
    /// </summary>
    public FieldExtractor CreateExtractor(FieldArgument? argument = null) => factory(this, argument);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
