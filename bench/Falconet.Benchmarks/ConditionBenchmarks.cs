using BenchmarkDotNet.Attributes;
using Falconet.Rules.Conditions;
using Falconet.State;

namespace Falconet.Benchmarks;

/// <summary>
/// One compiled rule condition evaluated on prepared contexts (real events of the shared captures, each with the state
/// it saw). Only contexts of the event types the rule is bucketed under are used, as the engine would; they are visited
/// round-robin, <see cref="EvaluationsPerInvoke"/> evaluations per invocation, so the figures are per evaluation.
/// </summary>
[MemoryDiagnoser]
public class ConditionBenchmarks
{
    public const int EvaluationsPerInvoke = 1024;

    private CompiledCondition? _condition;
    private EventContext[] _contexts = [];

    [ParamsSource(nameof(ConditionKeys))]
    public string Condition { get; set; } = BenchmarkConditions.FlagshipKey;

    public static IEnumerable<string> ConditionKeys => BenchmarkConditions.Keys;

    [GlobalSetup]
    public void Prepare()
    {
        BenchmarkCondition condition = BenchmarkConditions.Load(Condition);
        _condition = condition.Condition;
        _contexts = ContextsFor(condition, PreparedContexts.FromSharedCaptures());
    }

    /// <summary>The prepared contexts whose event type the rule runs on; an error when there are none.</summary>
    public static EventContext[] ContextsFor(BenchmarkCondition condition, IReadOnlyList<PreparedContext> prepared)
    {
        EventContext[] contexts = prepared.Where(p => condition.EventTypes.Contains(p.Context.Event.Type)).Select(p => p.Context).ToArray();
        if (contexts.Length == 0)
        {
            throw new BenchmarkInputException($"no prepared event of the types of rule '{condition.RuleName}'");
        }
        return contexts;
    }

    /// <summary>Returns how many evaluations matched.</summary>
    [Benchmark(OperationsPerInvoke = EvaluationsPerInvoke)]
    public int Evaluate()
    {
        CompiledCondition condition = _condition!;
        EventContext[] contexts = _contexts;
        int matched = 0;
        int next = 0;
        for (int i = 0; i < EvaluationsPerInvoke; i++)
        {
            if (condition.Evaluate(contexts[next]))
            {
                matched++;
            }
            next = next + 1 == contexts.Length ? 0 : next + 1;
        }
        return matched;
    }
}
