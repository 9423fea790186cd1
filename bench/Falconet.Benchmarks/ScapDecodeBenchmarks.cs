using BenchmarkDotNet.Attributes;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.Scap;

namespace Falconet.Benchmarks;

/// <summary>
/// Decoding only: the first <see cref="BenchmarkInputs.EventsPerRun"/> events of the big capture into one reused
/// <see cref="ScapEvent"/>. Opening the file and reading the header happen in the iteration setup, outside the figures.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class ScapDecodeBenchmarks
{
    private ScapReader? _reader;
    private readonly ScapEvent _event = new();

    [IterationSetup]
    public void OpenCapture()
    {
        _reader = ScapReader.Open(BenchmarkInputs.CapturePath);
        _reader.ReadHeader(new DiscardingSnapshotSink());
    }

    [IterationCleanup]
    public void CloseCapture() => _reader?.Dispose();

    [Benchmark(OperationsPerInvoke = BenchmarkInputs.EventsPerRun)]
    public ulong Decode()
    {
        ScapReader reader = _reader!;
        ulong checksum = 0;
        for (int i = 0; i < BenchmarkInputs.EventsPerRun; i++)
        {
            if (!reader.TryReadEvent(_event))
            {
                throw CaptureTooShort(i);
            }
            // Touch the decoded header so the work cannot be skipped.
            checksum += _event.Timestamp ^ (ulong)_event.ParamCount;
        }
        return checksum;
    }

    internal static BenchmarkInputException CaptureTooShort(int read) =>
        new($"The capture ended after {read} events; the benchmarks read {BenchmarkInputs.EventsPerRun}. {BenchmarkInputs.HowToMakeCapture}");
}

/// <summary>Takes the header blocks and keeps nothing: the decode benchmark measures events only.</summary>
public sealed class DiscardingSnapshotSink : ISnapshotSink
{
    public void OnMachineInfo(MachineInfo info)
    {
    }

    public void OnInterface(InterfaceAddress address)
    {
    }

    public void OnUser(UserRecord user)
    {
    }

    public void OnGroup(GroupRecord group)
    {
    }

    public void OnThread(ThreadRecord thread)
    {
    }

    public void OnFd(FdRecord fd)
    {
    }

    public void OnSectionStart()
    {
    }

    public void OnSnapshotComplete()
    {
    }
}
