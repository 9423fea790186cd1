using Falconet.Core.Events;

namespace Falconet.State;

/// <summary>The fds of one process, by number. Only the state engine changes it.</summary>
public sealed class FdTable
{
    private readonly Dictionary<long, FdInfo> _fds;

    /// <summary>An empty table.</summary>
    public FdTable()
    {
        _fds = [];
    }

    private FdTable(int capacity)
    {
        _fds = new Dictionary<long, FdInfo>(capacity);
    }

    /// <summary>Number of open fds.</summary>
    public int Count => _fds.Count;

    /// <summary>Every fd; a value collection so <c>foreach</c> uses its struct enumerator and does not allocate.</summary>
    public Dictionary<long, FdInfo>.ValueCollection All => _fds.Values;

    /// <summary>The fd numbered <paramref name="fd"/>, null when not open.</summary>
    public FdInfo? Find(long fd) => _fds.TryGetValue(fd, out FdInfo? info) ? info : null;

    internal void Set(FdInfo info)
    {
        if (_fds.TryGetValue(info.Fd, out FdInfo? replaced) && !ReferenceEquals(replaced, info))
        {
            replaced.ReleaseDnsPin();
        }
        _fds[info.Fd] = info;
    }

    internal bool Remove(long fd)
    {
        if (!_fds.Remove(fd, out FdInfo? removed))
        {
            return false;
        }
        removed.ReleaseDnsPin();
        return true;
    }

    /// <summary>Releases what the open fds hold outside the table (DNS pins): the process that owned them exited.</summary>
    internal void ReleaseAll()
    {
        foreach (FdInfo fd in _fds.Values)
        {
            fd.ReleaseDnsPin();
        }
    }

    /// <summary>Removes the fds that close on exec (O_CLOEXEC / SOCK_CLOEXEC), collecting their numbers in <paramref name="scratch"/>.</summary>
    internal void RemoveCloexec(List<long> scratch)
    {
        scratch.Clear();
        foreach (KeyValuePair<long, FdInfo> kv in _fds)
        {
            if (kv.Value.IsCloexec || (kv.Value.OpenFlags & PpmOpenFlags.Cloexec) != 0)
            {
                scratch.Add(kv.Key);
            }
        }
        foreach (long fd in scratch)
        {
            Remove(fd);
        }
        scratch.Clear();
    }

    /// <summary>A deep copy, for fork without CLONE_FILES.</summary>
    internal FdTable Copy()
    {
        var copy = new FdTable(_fds.Count);
        foreach (KeyValuePair<long, FdInfo> kv in _fds)
        {
            copy._fds[kv.Key] = kv.Value.Clone();
        }
        return copy;
    }
}
