using BenchmarkDotNet.Attributes;
using Falconet.Core.Alerts;
using Falconet.Core.Events;
using Falconet.Engine;
using Falconet.Rules.Loading;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.Benchmarks;

/// <summary>
/// The whole detection loop in process: decode, state, and <see cref="RuleEngine.Evaluate"/> for every event that
/// reaches the rules, with alerts built (text and output_fields) but only counted, not written. The CLI run
/// (outputs, JSON, startup) is measured by <c>bench/replay-compare.sh</c>.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class ReplayBenchmarks
{
    public const string Flagship = "flagship";
    public const string FalcoRules = "falco_rules";

    private RuleEngine? _engine;
    private ScapReader? _reader;
    private SystemState? _state;
    private readonly ScapEvent _event = new();
    private long _alerts;
    private Action<Alert>? _onAlert;

    [Params(Flagship, FalcoRules)]
    public string Rules { get; set; } = Flagship;

    [GlobalSetup]
    public void BuildEngine()
    {
        RuleSet rules = BenchmarkInputs.LoadRules(Rules == Flagship ? BenchmarkInputs.FlagshipRulesPath : BenchmarkInputs.OfficialRulesPath);
        _engine = RuleEngine.Build(rules, new RuleEngineOptions());
        _onAlert = _ => _alerts++;
    }

    [IterationSetup]
    public void OpenCapture()
    {
        _reader = ScapReader.Open(BenchmarkInputs.CapturePath);
        _state = new SystemState();
        _reader.ReadHeader(_state);
    }

    [IterationCleanup]
    public void CloseCapture() => _reader?.Dispose();

    /// <summary>Returns the alerts of this run.</summary>
    [Benchmark(OperationsPerInvoke = BenchmarkInputs.EventsPerRun)]
    public long Replay()
    {
        ScapReader reader = _reader!;
        SystemState state = _state!;
        RuleEngine engine = _engine!;
        Action<Alert> onAlert = _onAlert!;
        long before = _alerts;
        for (int i = 0; i < BenchmarkInputs.EventsPerRun; i++)
        {
            if (!reader.TryReadEvent(_event))
            {
                throw ScapDecodeBenchmarks.CaptureTooShort(i);
            }
            if (state.Process(_event))
            {
                engine.Evaluate(state.Context, onAlert);
            }
        }
        return _alerts - before;
    }
}
