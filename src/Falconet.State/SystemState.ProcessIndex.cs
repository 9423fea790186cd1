namespace Falconet.State;

public sealed partial class SystemState
{
    /// <summary>The first thread of each process's thread list, by pid (the list runs through <see cref="ThreadInfo.NextInProcess"/>).</summary>
    private readonly Dictionary<long, ThreadInfo> _firstThreadByPid = [];

    /// <summary>Adds or replaces the thread with <paramref name="thread"/>'s tid, keeping the per-process lists in step.</summary>
    private void StoreThread(ThreadInfo thread)
    {
        if (_threads.TryGetValue(thread.Tid, out ThreadInfo? replaced) && !ReferenceEquals(replaced, thread))
        {
            UnlinkFromProcess(replaced);
        }
        _threads[thread.Tid] = thread;
        LinkToProcess(thread);
    }

    /// <summary>Changes a thread's pid; every pid change of a stored thread goes through here so the lists stay exact.</summary>
    private void SetPid(ThreadInfo thread, long pid)
    {
        if (thread.Pid == pid && thread.IsIndexed)
        {
            return;
        }
        UnlinkFromProcess(thread);
        thread.Pid = pid;
        if (_threads.TryGetValue(thread.Tid, out ThreadInfo? stored) && ReferenceEquals(stored, thread))
        {
            LinkToProcess(thread);
        }
    }

    /// <summary>The first thread of process <paramref name="pid"/>'s list; follow <see cref="ThreadInfo.NextInProcess"/>.</summary>
    private ThreadInfo? FirstThreadOfProcess(long pid) => _firstThreadByPid.TryGetValue(pid, out ThreadInfo? first) ? first : null;

    private void LinkToProcess(ThreadInfo thread)
    {
        if (thread.IsIndexed)
        {
            return;
        }
        thread.IndexedPid = thread.Pid;
        thread.PreviousInProcess = null;
        if (_firstThreadByPid.TryGetValue(thread.Pid, out ThreadInfo? first))
        {
            thread.NextInProcess = first;
            first.PreviousInProcess = thread;
        }
        else
        {
            thread.NextInProcess = null;
        }
        _firstThreadByPid[thread.Pid] = thread;
        thread.IsIndexed = true;
    }

    private void UnlinkFromProcess(ThreadInfo thread)
    {
        if (!thread.IsIndexed)
        {
            return;
        }
        ThreadInfo? previous = thread.PreviousInProcess;
        ThreadInfo? next = thread.NextInProcess;
        if (previous is not null)
        {
            previous.NextInProcess = next;
        }
        else if (next is not null)
        {
            _firstThreadByPid[thread.IndexedPid] = next;
        }
        else
        {
            _firstThreadByPid.Remove(thread.IndexedPid);
        }
        if (next is not null)
        {
            next.PreviousInProcess = previous;
        }
        thread.NextInProcess = null;
        thread.PreviousInProcess = null;
        thread.IsIndexed = false;
    }
}
