using System.Diagnostics.CodeAnalysis;
using Falconet.Core.Events;

namespace Falconet.Fields;

/// <summary>
/// Every field Falconet knows, by name. The condition compiler, the output formatter, <c>--list</c>
/// and the docs all read this one registry.
/// </summary>
public sealed class FieldRegistry
{
    private readonly Dictionary<string, FieldDescriptor> _fields = new(StringComparer.Ordinal);
    private readonly List<FieldDescriptor> _ordered = [];

    public static FieldRegistry Default { get; } = CreateDefault();

    public IReadOnlyList<FieldDescriptor> All => _ordered;

    public void Add(FieldDescriptor field)
    {
        if (!_fields.TryAdd(field.Name, field))
        {
            throw new InvalidOperationException($"field {field.Name} registered twice");
        }
        _ordered.Add(field);
    }

    /// <summary>Adds a field with a simple delegate extractor that takes no argument.</summary>
    public FieldDescriptor Add(string name, ParamType type, string description, DelegateFieldExtractor.Extract extract, FieldFlags flags = FieldFlags.None)
    {
        FieldDescriptor? descriptor = null;
        descriptor = new FieldDescriptor(name, type, description, _ => new DelegateFieldExtractor(descriptor!, extract), FieldArgumentMode.None, flags);
        Add(descriptor);
        return descriptor;
    }

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
        var registry = new FieldRegistry();
        // Each class of fields registers itself from its own file.
        RegisterAll(registry);
        return registry;
    }

    private static void RegisterAll(FieldRegistry registry)
    {
        EventFields.Register(registry);
        ProcessFields.Register(registry);
        UserFields.Register(registry);
        FdFields.Register(registry);
        ContainerFields.Register(registry);
    }
}
