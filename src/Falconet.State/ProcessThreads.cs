namespace Falconet.State;

/// <summary>The threads of one process, as <see cref="ThreadTable.ThreadsOf"/> gives them: a struct to enumerate without allocating.</summary>
public readonly struct ProcessThreads
{
    private readonly ThreadInfo? _first;

    internal ProcessThreads(ThreadInfo? first) => _first = first;

    /// <summary>An enumerator over the process's threads, newest first.</summary>
    public Enumerator GetEnumerator() => new(_first);

    /// <summary>Walks the per-process list; the list must not change during the walk.</summary>
    public struct Enumerator
    {
        private ThreadInfo? _next;

        internal Enumerator(ThreadInfo? first)
        {
            _next = first;
            Current = null!;
        }

        /// <summary>The current thread.</summary>
        public ThreadInfo Current { get; private set; }

        /// <summary>Moves to the next thread of the process.</summary>
        public bool MoveNext()
        {
            if (_next is null)
            {
                return false;
            }
            Current = _next;
            _next = _next.NextInProcess;
            return true;
        }
    }
}
