using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.Fields.OutputFormats;
using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;
using Falconet.State;
using Falconet.TestKit;

namespace Falconet.Benchmarks.Tests;

/// <summary>
/// The engine test of <see cref="AllocationTests"/> only reaches the fields a rule's condition gets to before it fails.
/// Here every field named in a condition or output of <c>falco_rules.yaml</c> is extracted on every event of every
/// shared capture, so each extraction path the official rules can take is measured: once warm, none allocates.
/// </summary>
public sealed class OfficialRuleFieldAllocationTests
{
    // Fields whose extraction builds text, lists or addresses: they must really run, and yield values, for the
    // measurement to mean anything.
    private static readonly string[] s_mustYieldValues =
    [
        "proc.aname", "proc.aname[2]", "proc.cmdline", "proc.pcmdline", "proc.args", "fd.name", "fd.directory",
        "evt.args", "evt.arg.flags", "evt.res", "evt.type", "user.name", "thread.cap_effective", "fd.l4proto", "fd.typechar",
    ];

    // Not in falco_rules.yaml (fd.types only in a commented-out rule), but built the same way per event: lists,
    // joined text, numbers as text, byte buffers. Measured alongside.
    private static readonly string[] s_extraFields = ["fd.types", "proc.apid", "thread.cgroups", "proc.env", "evt.buffer", "evt.time"];

    [Fact]
    public void Every_field_of_the_official_rules_extracts_without_allocating_once_warm()
    {
        SharedData.SkipIfAbsent();
        RuleSet rules = BenchmarkInputs.LoadRules(SharedData.Rules("falco_rules.yaml"));
        Dictionary<string, FieldExtractor> extractors = OfficialRuleFields(rules);
        Assert.True(extractors.Count >= 60, $"only {extractors.Count} distinct fields found in falco_rules.yaml");
        foreach (string extra in s_extraFields)
        {
            extractors.TryAdd(extra, Bind(FieldRegistry.Default, extra, null, extra));
        }
        foreach (string key in s_mustYieldValues)
        {
            Assert.True(extractors.ContainsKey(key), $"falco_rules.yaml no longer names {key}");
        }

        // A first replay of every capture runs each extraction path often enough that the JIT has settled; the
        // second, on fresh state, is the one measured.
        var allocatedByField = new Dictionary<string, long>(StringComparer.Ordinal);
        var valuesByField = new Dictionary<string, long>(StringComparer.Ordinal);
        var firstAllocations = new List<string>();
        foreach (string capture in SharedData.CaptureNames)
        {
            Replay(capture, extractors, measure: false, allocatedByField, valuesByField, firstAllocations);
        }
        long events = 0;
        foreach (string capture in SharedData.CaptureNames)
        {
            events += Replay(capture, extractors, measure: true, allocatedByField, valuesByField, firstAllocations);
        }

        Assert.True(events > 500, $"only {events} events replayed");
        foreach (string key in s_mustYieldValues.Concat(s_extraFields))
        {
            Assert.True(valuesByField.GetValueOrDefault(key) > 0, $"{key} never had a value on the shared captures");
        }
        string allocating = string.Join(", ", allocatedByField.Where(p => p.Value != 0).Select(p => $"{p.Key}: {p.Value} bytes"));
        Assert.True(allocating.Length == 0, $"warm extraction allocated over {events} events: {allocating}; first: {string.Join("; ", firstAllocations)}");
    }

    // Each event is extracted twice: the first pass fills what extraction caches per thread, fd or distinct value
    // (as creating the thread or fd allocated), the second is measured field by field.
    private static long Replay(string capture, Dictionary<string, FieldExtractor> extractors, bool measure,
        Dictionary<string, long> allocatedByField, Dictionary<string, long> valuesByField, List<string> firstAllocations)
    {
        using ScapReader reader = ScapReader.Open(SharedData.Capture(capture));
        var state = new SystemState();
        var evt = new ScapEvent();
        reader.ReadHeader(state);
        long events = 0;
        while (reader.TryReadEvent(evt))
        {
            if (!state.Process(evt))
            {
                continue;
            }
            EventContext context = state.Context;
            foreach (FieldExtractor extractor in extractors.Values)
            {
                FieldValue warm = default;
                extractor.TryExtract(context, ref warm);
            }
            if (!measure)
            {
                continue;
            }
            foreach ((string key, FieldExtractor extractor) in extractors)
            {
                FieldValue value = default;
                long before = GC.GetAllocatedBytesForCurrentThread();
                bool present = extractor.TryExtract(context, ref value);
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (allocated != 0)
                {
                    if (firstAllocations.Count < 10)
                    {
                        firstAllocations.Add($"{key} on {capture} event {evt.Number} ({evt.Info.Name}): {allocated} bytes");
                    }
                    allocatedByField[key] = allocatedByField.GetValueOrDefault(key) + allocated;
                }
                if (present)
                {
                    valuesByField[key] = valuesByField.GetValueOrDefault(key) + 1;
                }
            }
            events++;
        }
        return events;
    }

    /// <summary>One extractor per distinct field reference of the rules' conditions (macros expanded) and outputs.</summary>
    private static Dictionary<string, FieldExtractor> OfficialRuleFields(RuleSet rules)
    {
        FieldRegistry registry = FieldRegistry.Default;
        var extractors = new Dictionary<string, FieldExtractor>(StringComparer.Ordinal);
        foreach (CompiledRule rule in rules.Rules)
        {
            var references = new List<FieldRefNode>();
            Collect(rule.Condition, references);
            foreach (FieldRefNode reference in references)
            {
                string key = reference.Argument is null ? reference.Name : $"{reference.Name}[{reference.Argument}]";
                if (!extractors.ContainsKey(key))
                {
                    extractors[key] = Bind(registry, reference.Name, reference.Argument, key);
                }
            }
            foreach (string key in OutputFormat.Parse(rule.Output, registry).FieldNames)
            {
                if (!extractors.ContainsKey(key))
                {
                    int bracket = key.IndexOf('[', StringComparison.Ordinal);
                    extractors[key] = bracket < 0 ? Bind(registry, key, null, key) : Bind(registry, key[..bracket], key[(bracket + 1)..^1], key);
                }
            }
        }
        return extractors;
    }

    private static FieldExtractor Bind(FieldRegistry registry, string name, string? bracketed, string key)
    {
        Assert.True(registry.TryResolve(name, out FieldDescriptor? field, out string? dotted), $"falco_rules.yaml names {key}, which the registry does not know");
        string? argument = dotted ?? bracketed;
        return field.CreateExtractor(argument is null ? null : new FieldArgument(argument));
    }

    private static void Collect(ConditionNode node, List<FieldRefNode> references)
    {
        switch (node)
        {
            case AndNode and:
                and.Children.ToList().ForEach(c => Collect(c, references));
                break;
            case OrNode or:
                or.Children.ToList().ForEach(c => Collect(c, references));
                break;
            case NotNode not:
                Collect(not.Operand, references);
                break;
            case UnaryCheckNode unary:
                Collect(unary.Field, references);
                break;
            case BinaryCheckNode binary:
                Collect(binary.Left, references);
                Collect(binary.Right, references);
                break;
            default:
                Assert.Fail($"unexpected condition node {node.GetType().Name} in a compiled rule");
                break;
        }
    }

    private static void Collect(ExpressionNode node, List<FieldRefNode> references)
    {
        switch (node)
        {
            case FieldRefNode field:
                references.Add(field);
                break;
            case TransformerNode transformer:
                transformer.Arguments.ToList().ForEach(a => Collect(a, references));
                break;
            case ListValueNode list:
                list.Items.ToList().ForEach(i => Collect(i, references));
                break;
        }
    }
}
