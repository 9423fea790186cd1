using Falconet.Core.Events;
using Falconet.Core.Snapshot;

namespace Falconet.State;

public sealed partial class SystemState
{
    public void OnThread(ThreadRecord thread) => throw new NotImplementedException();

    public void OnFd(FdRecord fd) => throw new NotImplementedException();

    public void OnSectionStart() => throw new NotImplementedException();

    public void OnSnapshotComplete() => throw new NotImplementedException();

    /// <summary>
    /// Parses one event into the state and fills <see cref="Context"/>.
    /// Returns true when rules should see it: exit and meta events that are not state-only
    /// (enter events feed state only, as in current Falco).
    /// </summary>
    public bool Process(ScapEvent evt) => throw new NotImplementedException();
}
