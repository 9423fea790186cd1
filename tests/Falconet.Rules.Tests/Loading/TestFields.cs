using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.TestKit;

namespace Falconet.Rules.Tests.Loading;

/// <summary>
/// A field registry for loader tests: every field of <see cref="FieldRegistry.Default"/>, plus, for names the
/// default registry does not have yet, descriptors taken from falco-reference §3 (name, type, filter-only flag; when
/// ../shared is present) and a few basics. The loader type-checks conditions and compiles outputs with them, so they
/// carry their documented type; they never extract a value (extraction is not exercised here).
/// </summary>
internal static class TestFields
{
    private static readonly string[] s_basics = ["evt.type", "evt.dir", "evt.num", "proc.name", "fd.name", "proc.cmdline"];

    public static FieldRegistry Registry { get; } = Create();

    private static FieldRegistry Create()
    {
        var registry = new FieldRegistry();
        foreach (FieldDescriptor field in FieldRegistry.Default.All)
        {
            registry.Add(field);
        }
        var names = new List<(string Name, ParamType Type, bool FilterOnly)>(s_basics.Select(n => (n, ParamType.Charbuf, false)));
        string reference = Path.Combine(SharedData.Root, "docs", "falco-reference.md");
        if (File.Exists(reference))
        {
            bool inFields = false;
            foreach (string line in File.ReadLines(reference))
            {
                if (line.StartsWith("## ", StringComparison.Ordinal))
                {
                    inFields = line.StartsWith("## 3.", StringComparison.Ordinal);
                }
                if (inFields && line.StartsWith("| `", StringComparison.Ordinal))
                {
                    string[] cells = line.Split('|');
                    string name = cells[1].Trim().Trim('`');
                    names.Add((name, TypeOf(cells.Length > 2 ? cells[2].Trim() : ""),
                        cells.Length > 3 && cells[3].Contains("FILTER_ONLY", StringComparison.Ordinal)));
                }
            }
        }
        foreach ((string name, ParamType type, bool filterOnly) in names)
        {
            if (!registry.TryGet(name, out _) && name.Contains('.') && !name.Contains(' '))
            {
                FieldFlags flags = FieldFlags.ArgDotted | (filterOnly ? FieldFlags.FilterOnly : FieldFlags.None);
                registry.Add(new FieldDescriptor(name, type, "test",
                    (field, _) => new DelegateFieldExtractor(field, (Falconet.State.EventContext c, ref FieldValue v) => false),
                    FieldArgumentMode.Optional, flags));
            }
        }
        return registry;
    }

    /// <summary>The <c>PT_*</c> type of a reference table row (<c>UINT64</c>, <c>CHARBUF</c>, ...); strings for anything else.</summary>
    private static ParamType TypeOf(string cell) =>
        Enum.TryParse(cell.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out ParamType type) && type != ParamType.None
            ? type
            : ParamType.Charbuf;
}
