using Falconet.Core.Events;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.Benchmarks;

/// <summary>One event that reached the rules, frozen with the state it saw: the capture is read up to it and no further.</summary>
public sealed record PreparedContext(string Capture, ulong EventNumber, string EventName, EventContext Context)
{
    public override string ToString() => $"{Capture}#{EventNumber} {EventName}";
}

/// <summary>
/// Builds <see cref="EventContext"/>s for condition benchmarks from the shared captures. Each context owns its own
/// <see cref="SystemState"/> (replayed from the start of its capture up to the chosen event), because the state
/// engine reuses one context per state and later events would overwrite it.
/// </summary>
public static class PreparedContexts
{
    /// <summary>Event types the benchmarked conditions are about: network, file opens, process starts.</summary>
    public static IReadOnlyList<string> InterestingTypes { get; } = ["connect", "sendto", "open", "openat", "execve"];

    /// <summary>
    /// Up to <paramref name="perCaptureAndType"/> exit events of each interesting type from each shared capture,
    /// each with its own state. Throws <see cref="BenchmarkInputException"/> when the shared captures are absent.
    /// </summary>
    public static IReadOnlyList<PreparedContext> FromSharedCaptures(int perCaptureAndType = 4)
    {
        if (!BenchmarkInputs.SharedAvailable)
        {
            throw new BenchmarkInputException($"Shared captures not found under {BenchmarkInputs.SharedRoot}; set {BenchmarkInputs.SharedVariable}.");
        }
        var prepared = new List<PreparedContext>();
        foreach (string path in Directory.EnumerateFiles(Path.Combine(BenchmarkInputs.SharedRoot, "captures"), "*.scap").Order(StringComparer.Ordinal))
        {
            string capture = Path.GetFileNameWithoutExtension(path);
            foreach (ulong number in SelectEvents(path, perCaptureAndType))
            {
                prepared.Add(Freeze(path, capture, number));
            }
        }
        return prepared;
    }

    // First pass over a capture: the numbers of the events worth freezing.
    private static List<ulong> SelectEvents(string path, int perCaptureAndType)
    {
        var chosen = new List<ulong>();
        var perType = new Dictionary<string, int>(StringComparer.Ordinal);
        using ScapReader reader = ScapReader.Open(path);
        var state = new SystemState();
        var evt = new ScapEvent();
        reader.ReadHeader(state);
        while (reader.TryReadEvent(evt))
        {
            if (!state.Process(evt) || evt.IsEnter)
            {
                continue;
            }
            string name = evt.Info.Name;
            if (!InterestingTypes.Contains(name))
            {
                continue;
            }
            int seen = perType.GetValueOrDefault(name);
            if (seen < perCaptureAndType)
            {
                perType[name] = seen + 1;
                chosen.Add(evt.Number);
            }
        }
        return chosen;
    }

    private static PreparedContext Freeze(string path, string capture, ulong number)
    {
        using ScapReader reader = ScapReader.Open(path);
        var state = new SystemState();
        var evt = new ScapEvent();
        reader.ReadHeader(state);
        while (reader.TryReadEvent(evt))
        {
            if (state.Process(evt) && evt.Number == number)
            {
                return new PreparedContext(capture, number, evt.Info.Name, state.Context);
            }
        }
        throw new InvalidOperationException($"{capture}: event #{number} was chosen on the first pass but not met on the second");
    }
}
