using System.Collections.Frozen;
using System.Globalization;

namespace Falconet.Capture.Bpf.Native;

internal static partial class ProbeSyscalls
{
    private static readonly FrozenDictionary<string, (int Slot, ProbeGroup? Group)> s_byName = Load();

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

    /// <summary>The enable-map slot of a syscall the probe handles (its x86-64 number).</summary>
    public static int SlotOf(string name) =>
        TryGet(name, out int slot, out _) ? slot : throw new ArgumentException($"the probe does not handle {name}", nameof(name));

    private static FrozenDictionary<string, (int Slot, ProbeGroup? Group)> Load()
    {
        using Stream stream = typeof(ProbeSyscalls).Assembly.GetManifestResourceStream(TableResource)
            ?? throw new InvalidOperationException($"embedded resource {TableResource} is missing");
        using var reader = new StreamReader(stream);
        var table = new Dictionary<string, (int Slot, ProbeGroup? Group)>(StringComparer.Ordinal)
        {
            [ProcessExitName] = (ProcessExitSlot, null),
        };
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            string[] columns = line.Split('\t');
            table.Add(columns[0], (int.Parse(columns[1], CultureInfo.InvariantCulture), Enum.Parse<ProbeGroup>(columns[2])));
        }
        return table.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
