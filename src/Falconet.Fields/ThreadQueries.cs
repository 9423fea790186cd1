namespace Falconet.Fields;

/// <summary>
/// Questions about the threads of one process that the field classes ask. They go through here so that the
/// answer comes from one place: today a walk over the thread table (without allocating), later the state's
/// threads-by-process index.
/// </summary>
internal static class ThreadQueries
{
    /// <summary>The number of alive threads of process <paramref name="pid"/>; with <paramref name="excludeMain"/>, not counting its main thread.</summary>
    public static long CountThreads(SystemState state, long pid, bool excludeMain = false)
    {
        long count = 0;
        if (state.Threads is Dictionary<long, ThreadInfo> threads)
        {
            foreach (ThreadInfo t in threads.Values)
            {
                count += Counts(t, pid, excludeMain) ? 1 : 0;
            }
            return count;
        }
        foreach (ThreadInfo t in state.Threads.Values)
        {
            count += Counts(t, pid, excludeMain) ? 1 : 0;
        }
        return count;
    }

    private static bool Counts(ThreadInfo t, long pid, bool excludeMain) => t.Pid == pid && !(excludeMain && t.IsMainThread);
}
