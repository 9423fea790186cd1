using System.Runtime.InteropServices;
using SharpFuzz.Common;

namespace Falconet.Fuzz;

/// <summary>
/// Edge coverage from SharpFuzz's instrumentation, read in process: assemblies rewritten by the <c>sharpfuzz</c>
/// tool (bench/fuzz.sh does it) bump one byte of <see cref="Trace.SharedMem"/> per branch pair, as AFL's map. Without
/// instrumented assemblies nothing writes the map, <see cref="Edges"/> stays 0, and the loop is guided by outcome
/// classes alone.
/// </summary>
public sealed unsafe class EdgeCoverage
{
    private const int MapSize = 65536;

    // One map for the process: the instrumentation writes through a static pointer.
    private static readonly byte* s_map = Allocate();

    private readonly bool[] _seen = new bool[MapSize];

    /// <summary>
    /// Points the instrumentation at the map. Call before any instrumented code runs (loading seeds runs it too):
    /// instrumented code writes through the pointer, and a null one is an access violation.
    /// </summary>
    public static void Install()
    {
        if (s_map == null)
        {
            throw new InvalidOperationException("no coverage map");
        }
    }

    /// <summary>Distinct map entries seen by this run.</summary>
    public int Edges { get; private set; }

    private static byte* Allocate()
    {
        var map = (byte*)NativeMemory.AllocZeroed(MapSize);
        Trace.SharedMem = map;
        return map;
    }

    /// <summary>Clears the map before an input.</summary>
    public void Reset()
    {
        new Span<byte>(s_map, MapSize).Clear();
        Trace.PrevLocation = 0;
    }

    /// <summary>Adds the map of the last input; true when it reached an entry never seen before.</summary>
    public bool Merge()
    {
        var map = new ReadOnlySpan<byte>(s_map, MapSize);
        bool fresh = false;
        int at = map.IndexOfAnyExcept((byte)0);
        while (at >= 0)
        {
            if (!_seen[at])
            {
                _seen[at] = true;
                Edges++;
                fresh = true;
            }
            int next = map[(at + 1)..].IndexOfAnyExcept((byte)0);
            at = next < 0 ? -1 : at + 1 + next;
        }
        return fresh;
    }
}
