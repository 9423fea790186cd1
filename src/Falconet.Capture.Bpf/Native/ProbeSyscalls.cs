using System.Collections.Frozen;
using System.Globalization;

namespace Falconet.Capture.Bpf.Native;

internal static partial class ProbeSyscalls
{
    private static readonly SyscallTable s_table = Load();

    /// <summary>Every name the probe can emit, procexit included.</summary>
    public static IReadOnlyCollection<string> Names => s_table.ByName.Keys;

    /// <summary>The receives that can run in <see cref="ProbeMode.DnsOnly"/>: their payload can be a DNS answer.</summary>
    public static IReadOnlySet<string> DnsCapable => s_table.DnsCapable;

    /// <summary>The enable-map slot of <paramref name="name"/> and the group program that handles it
    /// (null for procexit, which has its own tracepoint program).</summary>
    public static bool TryGet(string name, out int slot, out ProbeGroup? group)
    {
        if (s_table.ByName.TryGetValue(name, out (int Slot, ProbeGroup? Group) entry))
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

    private sealed record SyscallTable(FrozenDictionary<string, (int Slot, ProbeGroup? Group)> ByName, FrozenSet<string> DnsCapable);

    private static SyscallTable Load()
    {
        using Stream stream = typeof(ProbeSyscalls).Assembly.GetManifestResourceStream(TableResource)
            ?? throw new InvalidOperationException($"embedded resource {TableResource} is missing");
        using var reader = new StreamReader(stream);
        var table = new Dictionary<string, (int Slot, ProbeGroup? Group)>(StringComparer.Ordinal)
        {
            [ProcessExitName] = (ProcessExitSlot, null),
        };
        var dnsCapable = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            string[] columns = line.Split('\t');
            table.Add(columns[0], (int.Parse(columns[1], CultureInfo.InvariantCulture), Enum.Parse<ProbeGroup>(columns[2])));
            if (columns[3] == "dns")
            {
                dnsCapable.Add(columns[0]);
            }
        }
        return new(table.ToFrozenDictionary(StringComparer.Ordinal), dnsCapable.ToFrozenSet(StringComparer.Ordinal));
    }
}
