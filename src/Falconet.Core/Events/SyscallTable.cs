using System.Collections.Frozen;

namespace Falconet.Core.Events;

/// <summary>
/// System-independent syscall codes (libs <c>PPM_SC_*</c>) and their names. Generic syscall events
/// (<c>PPME_GENERIC_E/X</c>, event types 0/1) carry such a code in their <c>ID</c> parameter; their
/// <c>evt.type</c> is the syscall name. Conditions may name any syscall, with or without a dedicated event.
/// </summary>
public static partial class SyscallTable
{
    /// <summary>The name libsinsp (and sysdig) print for a code that names no syscall, e.g. 0.</summary>
    public const string UnknownName = "<unknown>";

    /// <summary>The event type of generic syscall enter events; <see cref="GenericExitType"/> is its exit.</summary>
    public const ushort GenericEnterType = 0;

    /// <summary>The event type of generic syscall exit events.</summary>
    public const ushort GenericExitType = 1;

    private static readonly string?[] s_nameByCode = BuildNameByCode();

    private static readonly FrozenDictionary<string, ushort[]> s_codesByName = Data.Codes
        .GroupBy(c => c.Name, StringComparer.Ordinal)
        .ToFrozenDictionary(g => g.Key, g => g.Select(c => c.Code).ToArray(), StringComparer.Ordinal);

    private static readonly FrozenSet<string> s_names = Data.Codes.Select(c => c.Name).Concat(Data.NamesWithoutCode)
        .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Every syscall name, including those whose code this table does not know.</summary>
    public static IReadOnlySet<string> Names => s_names;

    /// <summary>The highest code this table knows.</summary>
    public static int MaxCode => s_nameByCode.Length - 1;

    /// <summary>The syscall name of <paramref name="code"/>; false for codes that name no syscall (0, tracepoints, newer codes).</summary>
    public static bool TryGetName(int code, out string name)
    {
        if ((uint)code < (uint)s_nameByCode.Length && s_nameByCode[code] is { } known)
        {
            name = known;
            return true;
        }
        name = UnknownName;
        return false;
    }

    /// <summary>The syscall name of <paramref name="code"/>, or <see cref="UnknownName"/>.</summary>
    public static string GetName(int code) => TryGetName(code, out string name) ? name : UnknownName;

    /// <summary>True when <paramref name="name"/> names a syscall, with or without a code in this table.</summary>
    public static bool IsSyscallName(string name) => s_names.Contains(name);

    /// <summary>The codes named <paramref name="name"/> (several for width variants such as setuid/setuid32).</summary>
    public static ReadOnlySpan<ushort> CodesByName(string name) =>
        s_codesByName.TryGetValue(name, out ushort[]? codes) ? codes : ReadOnlySpan<ushort>.Empty;

    private static string?[] BuildNameByCode()
    {
        var names = new string?[Data.Codes.Max(c => c.Code) + 1];
        foreach ((ushort code, string name) in Data.Codes)
        {
            names[code] = name;
        }
        return names;
    }
}

/// <summary>
/// The names <c>evt.type</c> can take: event names and syscall names. This is the universe Falco enumerates
/// event-type sets over (its <c>-L</c> output lists 465 names): every event name except the generic event's own
/// name (<c>syscall</c>), which never shows because generic events report their syscall's name instead.
/// </summary>
public static class EventTypeNames
{
    // All event names, unused slots ("NA") included, as Falco lists them.
    private static readonly FrozenSet<string> s_all = EventTable.All.Select(e => e.Name)
        .Where(n => n != EventTable.Get(SyscallTable.GenericEnterType).Name)
        .Concat(SyscallTable.Names)
        .ToFrozenSet(StringComparer.Ordinal);

    private static readonly ushort[] s_genericTypes = [SyscallTable.GenericEnterType, SyscallTable.GenericExitType];

    /// <summary>Every name an event can report in <c>evt.type</c>.</summary>
    public static IReadOnlySet<string> All => s_all;

    /// <summary>True for event names and syscall names: the values a condition may compare <c>evt.type</c> with.</summary>
    public static bool IsKnown(string name) => !EventTable.IdsByName(name).IsEmpty || SyscallTable.IsSyscallName(name);

    /// <summary>
    /// The event types whose events can report <paramref name="name"/>: the events of that name; for a syscall
    /// without a dedicated event, the generic events. Empty for unknown names.
    /// </summary>
    public static ReadOnlySpan<ushort> EventTypesOf(string name)
    {
        ReadOnlySpan<ushort> ids = EventTable.IdsByName(name);
        if (!ids.IsEmpty)
        {
            return ids;
        }
        return SyscallTable.IsSyscallName(name) ? s_genericTypes : ReadOnlySpan<ushort>.Empty;
    }
}
