using BenchmarkDotNet.Attributes;
using Falconet.Core.Events;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.Benchmarks;

/// <summary>
/// Decoding plus the state engine: every event of the first <see cref="BenchmarkInputs.EventsPerRun"/> goes through
/// <see cref="SystemState.Process"/>. Header blocks (the snapshot) are loaded in the iteration setup.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class StateBenchmarks
{
    private ScapReader? _reader;
    private SystemState? _state;
    private readonly ScapEvent _event = new();

    [IterationSetup]
    public void OpenCapture()
    {
        _reader = ScapReader.Open(BenchmarkInputs.CapturePath);
        _state = new SystemState();
        _reader.ReadHeader(_state);
    }

    [IterationCleanup]
    public void CloseCapture() => _reader?.Dispose();

    /// <summary>Returns how many events reached the rules (what Falco calls events delivered).</summary>
    [Benchmark(OperationsPerInvoke = BenchmarkInputs.EventsPerRun)]
    public int DecodeAndState()
    {
        ScapReader reader = _reader!;
        SystemState state = _state!;
        int delivered = 0;
        for (int i = 0; i < BenchmarkInputs.EventsPerRun; i++)
        {
            if (!reader.TryReadEvent(_event))
            {
                throw ScapDecodeBenchmarks.CaptureTooShort(i);
            }
            if (state.Process(_event))
            {
                delivered++;
            }
        }
        return delivered;
    }
}
