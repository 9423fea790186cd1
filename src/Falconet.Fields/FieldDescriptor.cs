using Falconet.Core.Events;
using Falconet.State;

namespace Falconet.Fields;

/// <summary>How a field takes an argument: <c>proc.aname[2]</c>, <c>evt.arg.name</c>, <c>evt.arg[0]</c>.</summary>
public enum FieldArgumentMode : byte
{
    /// <summary>No argument allowed.</summary>
    None = 0,

    /// <summary>An argument is allowed (e.g. <c>proc.aname</c> and <c>proc.aname[2]</c>).</summary>
    Optional,

    /// <summary>An argument is required (e.g. <c>evt.arg.name</c>, <c>proc.env[HOME]</c>).</summary>
    Required,
}

/// <summary>Field flags as in Falco's field tables.</summary>
[Flags]
public enum FieldFlags : byte
{
    None = 0,

    /// <summary>Only usable in conditions, not in outputs (<c>fd.ip</c>, <c>fd.net</c> …).</summary>
    FilterOnly = 1,

    /// <summary>Cannot be used as the right-hand side of a field-to-field comparison.</summary>
    NoRhs = 2,

    /// <summary>Transformers cannot be applied.</summary>
    NoTransformer = 4,

    /// <summary>Extracts several values (<c>fd.types</c>, <c>proc.aname</c> without index in some contexts).</summary>
    IsList = 8,

    /// <summary>Deprecated; still accepted.</summary>
    Deprecated = 16,

    /// <summary>Argument given as <c>field[arg]</c> only, not <c>field.arg</c>.</summary>
    ArgIndexOnly = 32,

    /// <summary>Argument given as <c>field.arg</c> (e.g. <c>evt.arg.fd</c>) as well as <c>field[arg]</c>.</summary>
    ArgDotted = 64,
}

/// <summary>A parsed field argument: the text inside <c>[...]</c> or after the dot.</summary>
public sealed record FieldArgument(string Text)
{
    public bool IsIndex => int.TryParse(Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _);

    public int Index => int.Parse(Text, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>One field of the registry: name, type, argument rules, description and how to extract it.</summary>
public sealed class FieldDescriptor
{
    public FieldDescriptor(string name, ParamType type, string description, Func<FieldArgument?, FieldExtractor> factory,
        FieldArgumentMode argumentMode = FieldArgumentMode.None, FieldFlags flags = FieldFlags.None, ParamFormat format = ParamFormat.Na)
    {
        Name = name;
        Type = type;
        Description = description;
        Factory = factory;
        ArgumentMode = argumentMode;
        Flags = flags;
        Format = format;
    }

    /// <summary>Full name, e.g. <c>proc.name</c>.</summary>
    public string Name { get; }

    /// <summary>The class, e.g. <c>proc</c> for <c>proc.name</c>.</summary>
    public string Class => Name[..Name.IndexOf('.', StringComparison.Ordinal)];

    /// <summary>The Falco field type (PT_* as for event parameters).</summary>
    public ParamType Type { get; }

    public ParamFormat Format { get; }
    public string Description { get; }
    public FieldArgumentMode ArgumentMode { get; }
    public FieldFlags Flags { get; }

    /// <summary>
    /// Creates an extractor bound to this field and argument. May throw <see cref="FieldArgumentException"/>
    /// for a bad argument (e.g. a non-numeric index).
    /// </summary>
    public Func<FieldArgument?, FieldExtractor> Factory { get; }

    public FieldExtractor CreateExtractor(FieldArgument? argument = null) => Factory(argument);

    public override string ToString() => Name;
}

/// <summary>A field argument that the field does not accept; the message is shown to the user.</summary>
public sealed class FieldArgumentException(string message) : Exception(message);

/// <summary>
/// The value of a field for one event. Which member holds it depends on the field's type:
/// integers, booleans (0/1), ports, times, uids/gids in <see cref="Int"/>; strings in <see cref="String"/>;
/// addresses in <see cref="Ip"/>; doubles in <see cref="Double"/>.
/// </summary>
public struct FieldValue
{
    public long Int;
    public string? String;
    public System.Net.IPAddress? Ip;
    public double Double;

    /// <summary>For list fields: all values (strings); null for single-valued fields.</summary>
    public IReadOnlyList<string>? List;
}

/// <summary>
/// Extracts one field (with its argument bound) from the current event and state.
/// Extraction must not allocate per event for the common fields: return strings held in state,
/// cache derived strings on the thread/fd, and so on.
/// </summary>
public abstract class FieldExtractor
{
    protected FieldExtractor(FieldDescriptor field) => Field = field;

    public FieldDescriptor Field { get; }

    /// <summary>The type of the extracted value (usually the field's type; transformers may change it).</summary>
    public virtual ParamType Type => Field.Type;

    /// <summary>Returns false when the field has no value for this event (every comparison is then false, output shows &lt;NA&gt;).</summary>
    public abstract bool TryExtract(EventContext context, ref FieldValue value);
}

/// <summary>An extractor from a delegate, for the many simple fields.</summary>
public sealed class DelegateFieldExtractor(FieldDescriptor field, DelegateFieldExtractor.Extract extract) : FieldExtractor(field)
{
    public delegate bool Extract(EventContext context, ref FieldValue value);

    public override bool TryExtract(EventContext context, ref FieldValue value) => extract(context, ref value);
}
