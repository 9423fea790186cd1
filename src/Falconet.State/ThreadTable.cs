namespace Falconet.State;

/// <summary>
/// Every known thread by tid, and the threads of each process by pid (a list through each thread, so the threads
/// of one process are found without walking every thread). Parent links are kept as child counts.
/// </summary>
public sealed class ThreadTable
{
    private readonly Dictionary<long, ThreadInfo> _threads = [];

    /// <summary>The first thread of each process's list, by pid (the list runs through <see cref="ThreadInfo.NextInProcess"/>).</summary>
    private readonly Dictionary<long, ThreadInfo> _firstThreadByPid = [];

    private long _lastTid;
    private ThreadInfo? _lastThread;
    /// <summary>Tids in the order they were first stored, oldest first, for eviction; may hold tids already removed.</summary>
    private readonly Queue<long> _insertionOrder = new();

    /// <summary>Falco's default <c>falco_libs.thread_table_size</c>.</summary>
    public const int DefaultCapacity = 262_144;

    /// <summary>
    /// The most threads kept. Storing one more evicts the oldest-stored thread (counted in <see cref="Evictions"/>),
    /// so a fork storm, or a capture that never reports exits, cannot grow memory without bound. A thread evicted
    /// and seen again is rebuilt from its next event, as threads missing from the snapshot are.
    /// </summary>
    public int Capacity
    {
        get => _capacity;
        set => _capacity = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "the thread table holds at least one thread");
    }

    private int _capacity = DefaultCapacity;

    /// <summary>Threads evicted because the table was at its <see cref="Capacity"/>.</summary>
    public long Evictions { get; private set; }

    /// <summary>Every thread by tid.</summary>
    public IReadOnlyDictionary<long, ThreadInfo> All => _threads;

    /// <summary>Number of known threads.</summary>
    public int Count => _threads.Count;

    /// <summary>The thread <paramref name="tid"/>, null when unknown.</summary>
    public ThreadInfo? Find(long tid)
    {
        // Consecutive events mostly come from the same thread (an enter and its exit): one compare instead of a
        // hash lookup. Every change of _threads forgets the entry.
        if (tid == _lastTid && _lastThread is { } last)
        {
            return last;
        }
        if (!_threads.TryGetValue(tid, out ThreadInfo? t))
        {
            return null;
        }
        _lastTid = tid;
        _lastThread = t;
        return t;
    }

    /// <summary>The main thread (thread-group leader) of <paramref name="thread"/>, itself for a main thread; null when unknown.</summary>
    public ThreadInfo? FindMainThread(ThreadInfo thread) => thread.IsMainThread ? thread : Find(thread.Pid);

    /// <summary>The parent of <paramref name="thread"/>'s process (through its main thread), null when unknown.</summary>
    public ThreadInfo? FindParent(ThreadInfo thread)
    {
        ThreadInfo? main = FindMainThread(thread);
        if (main is null || main.ParentTid < 0 || main.ParentTid == main.Tid)
        {
            return null;
        }
        return Find(main.ParentTid);
    }

    /// <summary>The working directory libsinsp resolves a thread's relative paths against (the main thread's; "./" when unknown).</summary>
    public string CwdOf(ThreadInfo thread) => thread.IsMainThread ? thread.Cwd : Find(thread.Pid)?.Cwd ?? "./";

    /// <summary>The threads whose pid is <paramref name="pid"/>; enumerating allocates nothing.</summary>
    public ProcessThreads ThreadsOf(long pid) => new(_firstThreadByPid.TryGetValue(pid, out ThreadInfo? first) ? first : null);

    /// <summary>How many threads have pid <paramref name="pid"/> (<c>proc.nthreads</c>), counted from the process index.</summary>
    public int ThreadCount(long pid)
    {
        int count = 0;
        foreach (ThreadInfo _ in ThreadsOf(pid))
        {
            count++;
        }
        return count;
    }

    /// <summary>Adds or replaces the thread with <paramref name="thread"/>'s tid, keeping the per-process lists in step.</summary>
    internal void Store(ThreadInfo thread)
    {
        if (_threads.TryGetValue(thread.Tid, out ThreadInfo? replaced))
        {
            if (!ReferenceEquals(replaced, thread))
            {
                Unlink(replaced);
            }
        }
        else
        {
            while (_threads.Count >= _capacity && EvictOldest(thread.Tid))
            {
            }
            _insertionOrder.Enqueue(thread.Tid);
            if (_insertionOrder.Count > (2 * _threads.Count) + 1024)
            {
                CompactInsertionOrder();
            }
        }
        _threads[thread.Tid] = thread;
        _lastThread = null;
        Link(thread);
    }

    private bool EvictOldest(long keep)
    {
        while (_insertionOrder.TryDequeue(out long tid))
        {
            if (tid != keep && _threads.ContainsKey(tid))
            {
                Remove(tid, -1);
                Evictions++;
                return true;
            }
        }
        return false;
    }

    /// <summary>Drops the tids of removed threads from the eviction order, so it stays proportional to the table.</summary>
    private void CompactInsertionOrder()
    {
        var seen = new HashSet<long>();
        int count = _insertionOrder.Count;
        for (int i = 0; i < count; i++)
        {
            long tid = _insertionOrder.Dequeue();
            if (_threads.ContainsKey(tid) && seen.Add(tid))
            {
                _insertionOrder.Enqueue(tid);
            }
        }
    }

    /// <summary>Changes a thread's pid; every pid change of a stored thread goes through here so the lists stay exact.</summary>
    internal void SetPid(ThreadInfo thread, long pid)
    {
        if (thread.Pid == pid && thread.IsIndexed)
        {
            return;
        }
        Unlink(thread);
        thread.Pid = pid;
        if (_threads.TryGetValue(thread.Tid, out ThreadInfo? stored) && ReferenceEquals(stored, thread))
        {
            Link(thread);
        }
    }

    /// <summary>
    /// Removes thread <paramref name="tid"/>; its children are given <paramref name="reaperTid"/> as parent (-1 when
    /// none is known). Returns false when the thread was not known.
    /// </summary>
    internal bool Remove(long tid, long reaperTid)
    {
        if (!_threads.Remove(tid, out ThreadInfo? thread))
        {
            return false;
        }
        _lastThread = null;
        Unlink(thread);
        DetachFromParent(thread);
        if (thread.ChildCount > 0)
        {
            ThreadInfo? newParent = reaperTid > 0 ? Find(reaperTid) : null;
            foreach (ThreadInfo t in _threads.Values)
            {
                if (t.ParentTid == tid)
                {
                    t.ParentTid = newParent?.Tid ?? -1;
                    if (newParent is not null)
                    {
                        newParent.ChildCount++;
                    }
                }
            }
        }
        return true;
    }

    /// <summary>Counts <paramref name="thread"/> as a child of its parent, when the parent is known.</summary>
    internal void AttachToParent(ThreadInfo thread)
    {
        if (thread.ParentTid >= 0 && thread.ParentTid != thread.Tid && Find(thread.ParentTid) is { } parent)
        {
            parent.ChildCount++;
        }
    }

    /// <summary>Stops counting <paramref name="thread"/> as a child of its parent.</summary>
    internal void DetachFromParent(ThreadInfo thread)
    {
        if (thread.ParentTid >= 0 && Find(thread.ParentTid) is { ChildCount: > 0 } parent)
        {
            parent.ChildCount--;
        }
    }

    internal void Clear()
    {
        _insertionOrder.Clear();
        _threads.Clear();
        _lastThread = null;
        _firstThreadByPid.Clear();
    }

    private void Link(ThreadInfo thread)
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

    private void Unlink(ThreadInfo thread)
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
