namespace Falconet.Core.Events;

// ParamType, ParamFormat, EventCategory and EventFlags are generated into WireConstants.g.cs.

/// <summary>One parameter of an event type.</summary>
/// <param name="Name">Parameter name (what <c>evt.arg.NAME</c> selects).</param>
/// <param name="Type">Wire type.</param>
/// <param name="Format">How the value prints.</param>
/// <param name="Info">The flag/enum table name (e.g. <c>file_flags</c>), <c>DIRFD_PARAM(n)</c> for relative paths, or empty.</param>
public sealed record ParamInfo(string Name, ParamType Type, ParamFormat Format, string Info)
{
    /// <summary>For <see cref="ParamType.Fsrelpath"/>: the index of the dirfd parameter, else -1.</summary>
    public int DirFdParam { get; } = Info.StartsWith("DIRFD_PARAM(", StringComparison.Ordinal)
        ? int.Parse(Info.AsSpan(12, Info.Length - 13), System.Globalization.CultureInfo.InvariantCulture)
        : -1;
}

/// <summary>One row of the event table: id, name, category, flags and parameter layout.</summary>
/// <param name="Id">Event type id (PPME_* value).</param>
/// <param name="EnumName">The libs enum name, e.g. <c>PPME_SYSCALL_OPENAT_2_X</c>.</param>
/// <param name="Name">The event name rules see as <c>evt.type</c>.</param>
/// <param name="Category">Category kind and flags.</param>
/// <param name="Flags">Event flags.</param>
/// <param name="Parameters">The parameter layout, in wire order.</param>
public sealed record EventInfo(ushort Id, string EnumName, string Name, EventCategory Category, EventFlags Flags, IReadOnlyList<ParamInfo> Parameters)
{
    /// <summary>Even ids are enter events (<c>&gt;</c>), odd ids are exit events (<c>&lt;</c>).</summary>
    public bool IsEnter => (Id & 1) == 0;
    /// <summary>Parameter lengths are u32 instead of u16.</summary>
    public bool IsLargePayload => (Flags & EventFlags.LargePayload) != 0;
    /// <summary>A superseded layout; the converter turns it into the current one.</summary>
    public bool IsOldVersion => (Flags & EventFlags.OldVersion) != 0;
    /// <summary>An id no driver emits.</summary>
    public bool IsUnused => (Flags & EventFlags.Unused) != 0;

    /// <summary>The exclusive part of the category (file, net, process …), without the syscall/tracepoint/meta flags.</summary>
    public EventCategory Kind => Category & (EventCategory)0x3FF;

    // Read on every decoded event: a field and an array, not calls through IReadOnlyList.
    private readonly ParamType[] _parameterTypes = [.. Parameters.Select(p => p.Type)];

    /// <summary>Number of parameters of the layout (<c>Parameters.Count</c>, without an interface call).</summary>
    public int ParameterCount => _parameterTypes.Length;

    /// <summary>The wire type of parameter <paramref name="index"/> of the layout.</summary>
    public ParamType ParameterType(int index) => _parameterTypes[index];

    /// <summary>Index of the parameter named <paramref name="name"/>, or -1.</summary>
    public int IndexOfParam(string name)
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (Parameters[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Name, enum name and id, for diagnostics.</summary>
    public override string ToString() => $"{Name} ({EnumName}, {Id})";
}
