using System.Collections.Frozen;

namespace Falconet.Capture.Bpf.Native;

internal static partial class ProbeSyscalls
{
    private static readonly FrozenDictionary<string, (int Slot, ProbeGroup? Group)> s_byName = s_table
        .Select(s => KeyValuePair.Create(s.Name, (s.Slot, (ProbeGroup?)s.Group)))
        .Append(KeyValuePair.Create(ProcessExitName, (ProcessExitSlot, (ProbeGroup?)null)))
        .ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every name the probe can emit, procexit included.</summary>
    public static IReadOnlyCollection<string> Names => s_byName.Keys;

    /// <summary>The enable-map slot of <paramref name="name"/> and the group program that handles it
    /// (null for procexit, which has its own tracepoint program).</summary>
    public static bool TryGet(string name, out int slot, out ProbeGroup? group)
    {
        if (s_byName.TryGetValue(name, out (int Slot, ProbeGroup? Group) entry))
        {
            (slot, group) = entry;
            return true;
        }
        (slot, group) = (-1, null);
        return false;
    }
}
