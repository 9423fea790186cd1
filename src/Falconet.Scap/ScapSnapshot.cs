using Falconet.Core.Snapshot;

namespace Falconet.Scap;

/// <summary>
/// The header region of a capture held in memory: what <see cref="ScapReader.ReadHeader"/> delivers
/// (as an <see cref="ISnapshotSink"/>) and what <see cref="ScapWriter.WriteHeader"/> writes.
/// A new section (concatenated captures) replaces the previous one, as the state engine would.
/// </summary>
public sealed class ScapSnapshot : ISnapshotSink
{
    public MachineInfo? Machine { get; set; }

    public List<InterfaceAddress> Interfaces { get; } = [];

    public List<UserRecord> Users { get; } = [];

    public List<GroupRecord> Groups { get; } = [];

    public List<ThreadRecord> Threads { get; } = [];

    public List<FdRecord> Fds { get; } = [];

    /// <summary>How many sections were started after the first (OnSectionStart calls).</summary>
    public int SectionRestarts { get; private set; }

    /// <summary>How many times a header region was complete (OnSnapshotComplete calls).</summary>
    public int CompletedSnapshots { get; private set; }

    public void OnMachineInfo(MachineInfo info) => Machine = info;

    public void OnInterface(InterfaceAddress address) => Interfaces.Add(address);

    public void OnUser(UserRecord user) => Users.Add(user);

    public void OnGroup(GroupRecord group) => Groups.Add(group);

    public void OnThread(ThreadRecord thread) => Threads.Add(thread);

    public void OnFd(FdRecord fd) => Fds.Add(fd);

    public void OnSectionStart()
    {
        SectionRestarts++;
        Machine = null;
        Interfaces.Clear();
        Users.Clear();
        Groups.Clear();
        Threads.Clear();
        Fds.Clear();
    }

    public void OnSnapshotComplete() => CompletedSnapshots++;
}
