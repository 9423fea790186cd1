namespace Falconet.State;

/// <summary>The fds of one process, by number.</summary>
public sealed class FdTable
{
    private readonly Dictionary<long, FdInfo> _fds = [];

    public int Count => _fds.Count;

    public IEnumerable<FdInfo> All => _fds.Values;

    public FdInfo? Find(long fd) => _fds.TryGetValue(fd, out FdInfo? info) ? info : null;

    public void Set(FdInfo info) => _fds[info.Fd] = info;

    public bool Remove(long fd) => _fds.Remove(fd);

    public void Clear() => _fds.Clear();

    /// <summary>A deep copy, for fork without CLONE_FILES.</summary>
    public FdTable Copy()
    {
        var copy = new FdTable();
        foreach (KeyValuePair<long, FdInfo> kv in _fds)
        {
            copy._fds[kv.Key] = kv.Value.Clone();
        }
        return copy;
    }
}
