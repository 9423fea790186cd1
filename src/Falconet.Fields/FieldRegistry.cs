using System.Diagnostics.CodeAnalysis;
using Falconet.Fields.OutputFormats;

namespace Falconet.Fields;

/// <summary>
/// Every field Falconet knows, by name. The condition compiler, the output formatter, <c>--list</c>
/// and the docs all read this one registry.
/// </summary>
public sealed class FieldRegistry
{
    private readonly Dictionary<string, FieldDescriptor> _fields = new(StringComparer.Ordinal);
    private readonly List<FieldDescriptor> _ordered = [];

    /// <summary>The registry of every built-in field, built once.</summary>
    public static FieldRegistry Default { get; } = CreateDefault();

    /// <summary>The fields in registration order (the order <c>--list</c> prints).</summary>
    public IReadOnlyList<FieldDescriptor> All => _ordered;

    /// <summary>Adds <paramref name="field"/>; a name registered twice is a programming error.</summary>
    public void Add(FieldDescriptor field)
    {
        if (!_fields.TryAdd(field.Name, field))
        {
            throw new InvalidOperationException($"field {field.Name} registered twice");
        }
        _ordered.Add(field);
    }

    /// <summary>Adds a field that takes no argument, extracted by <paramref name="extract"/>.</summary>
    public FieldDescriptor Add(string name, ParamType type, string description, DelegateFieldExtractor.Extract extract,
        FieldFlags flags = FieldFlags.None, FieldOutputStyle style = FieldOutputStyle.None, ParamFormat format = ParamFormat.Na) =>
        Add(name, type, description, FieldArgumentMode.None, flags, _ => extract, style, format);

    /// <summary>
    /// Adds a field whose extraction depends on its argument: <paramref name="bind"/> runs once per reference
    /// (when a condition or output is compiled), checks the argument and returns the extraction for it.
    /// </summary>
    public FieldDescriptor Add(string name, ParamType type, string description, FieldArgumentMode argumentMode, FieldFlags flags,
        Func<FieldArgument?, DelegateFieldExtractor.Extract> bind, FieldOutputStyle style = FieldOutputStyle.None, ParamFormat format = ParamFormat.Na)
    {
        var descriptor = new FieldDescriptor(name, type, description,
            (field, argument) => new DelegateFieldExtractor(field, bind(argument), style), argumentMode, flags, format);
        Add(descriptor);
        return descriptor;
    }

    /// <summary>The field registered under exactly <paramref name="name"/>.</summary>
    public bool TryGet(string name, [NotNullWhen(true)] out FieldDescriptor? field) => _fields.TryGetValue(name, out field);

    /// <summary>
    /// Finds the field a reference like <c>evt.arg.name</c> or <c>proc.aname</c> names: the exact name first,
    /// then the longest registered prefix that accepts a dotted argument. <paramref name="dottedArgument"/>
    /// receives the text after that prefix, if any.
    /// </summary>
    public bool TryResolve(string reference, [NotNullWhen(true)] out FieldDescriptor? field, out string? dottedArgument)
    {
        dottedArgument = null;
        if (_fields.TryGetValue(reference, out field))
        {
            return true;
        }
        for (int dot = reference.LastIndexOf('.'); dot > 0; dot = reference.LastIndexOf('.', dot - 1))
        {
            if (_fields.TryGetValue(reference[..dot], out field) && (field.Flags & FieldFlags.ArgDotted) != 0)
            {
                dottedArgument = reference[(dot + 1)..];
                return true;
            }
        }
        field = null;
        return false;
    }

    private static FieldRegistry CreateDefault()
    {
        // Each class of fields registers itself from its own file.
        var registry = new FieldRegistry();
        EventFields.Register(registry);
        ProcessFields.Register(registry);
        UserFields.Register(registry);
        FdFields.Register(registry);
        FdListFields.Register(registry);
        ContainerFields.Register(registry);
        return registry;
    }
}
