namespace Falconet.State;

/// <summary>The fds of one process, by number.</summary>
public sealed class FdTable
{
    private readonly Dictionary<long, FdInfo> _fds;

    public FdTable()
    {
        _fds = [];
    }

    private FdTable(int capacity)
    {
        _fds = new Dictionary<long, FdInfo>(capacity);
    }

    public int Count => _fds.Count;

    /// <summary>Every fd; a value collection so <c>foreach</c> uses its struct enumerator and does not allocate.</summary>
    public Dictionary<long, FdInfo>.ValueCollection All => _fds.Values;

    public FdInfo? Find(long fd) => _fds.TryGetValue(fd, out FdInfo? info) ? info : null;

    public void Set(FdInfo info) => _fds[info.Fd] = info;

    public bool Remove(long fd) => _fds.Remove(fd);

    public void Clear() => _fds.Clear();

    /// <summary>Adds to <paramref name="numbers"/> the fds that close on exec (O_CLOEXEC / SOCK_CLOEXEC).</summary>
    internal void CollectCloexec(List<long> numbers)
    {
        foreach (KeyValuePair<long, FdInfo> kv in _fds)
        {
            if (kv.Value.IsCloexec || (kv.Value.OpenFlags & SystemState.PpmOpenCloexec) != 0)
            {
                numbers.Add(kv.Key);
            }
        }
    }

    /// <summary>A deep copy, for fork without CLONE_FILES.</summary>
    public FdTable Copy()
    {
        var copy = new FdTable(_fds.Count);
        foreach (KeyValuePair<long, FdInfo> kv in _fds)
        {
            copy._fds[kv.Key] = kv.Value.Clone();
        }
        return copy;
    }
}
