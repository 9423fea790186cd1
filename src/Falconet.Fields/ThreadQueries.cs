namespace Falconet.Fields;

/// <summary>
/// Questions about the threads of one process that the field classes ask, answered from the state's
/// threads-by-process index (no walk over every thread, no allocation).
/// </summary>
internal static class ThreadQueries
{
    /// <summary>The number of alive threads of process <paramref name="pid"/>; with <paramref name="excludeMain"/>, not counting its main thread.</summary>
    public static long CountThreads(SystemState state, long pid, bool excludeMain = false)
    {
        long count = 0;
        foreach (ThreadInfo t in state.ThreadsOf(pid))
        {
            count += excludeMain && t.IsMainThread ? 0 : 1;
        }
        return count;
    }
}
