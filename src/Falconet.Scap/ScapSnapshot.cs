using Falconet.Core.Snapshot;

namespace Falconet.Scap;

/// <summary>
/// The header region of a capture held in memory: what <see cref="ScapReader.ReadHeader"/> delivers
/// (as an <see cref="ISnapshotSink"/>) and what <see cref="ScapWriter.WriteHeader"/> writes.
/// A new section (concatenated captures) replaces the previous one, as the state engine would.
/// </summary>
public sealed class ScapSnapshot : ISnapshotSink
{
    /// <summary>The machine info block, if the capture has one.</summary>
    public MachineInfo? Machine { get; set; }

    /// <summary>Interface addresses, in file order.</summary>
    public List<InterfaceAddress> Interfaces { get; } = [];

    /// <summary>Users, in file order.</summary>
    public List<UserRecord> Users { get; } = [];

    /// <summary>Groups, in file order.</summary>
    public List<GroupRecord> Groups { get; } = [];

    /// <summary>Threads, in file order.</summary>
    public List<ThreadRecord> Threads { get; } = [];

    /// <summary>Fds of all threads, in file order.</summary>
    public List<FdRecord> Fds { get; } = [];

    /// <summary>How many sections were started after the first (OnSectionStart calls).</summary>
    public int SectionRestarts { get; private set; }

    /// <summary>How many times a header region was complete (OnSnapshotComplete calls).</summary>
    public int CompletedSnapshots { get; private set; }

    /// <summary>Keeps the machine info.</summary>
    public void OnMachineInfo(MachineInfo info) => Machine = info;

    /// <summary>Keeps an interface address.</summary>
    public void OnInterface(InterfaceAddress address) => Interfaces.Add(address);

    /// <summary>Keeps a user.</summary>
    public void OnUser(UserRecord user) => Users.Add(user);

    /// <summary>Keeps a group.</summary>
    public void OnGroup(GroupRecord group) => Groups.Add(group);

    /// <summary>Keeps a thread.</summary>
    public void OnThread(ThreadRecord thread) => Threads.Add(thread);

    /// <summary>Keeps an fd.</summary>
    public void OnFd(FdRecord fd) => Fds.Add(fd);

    /// <summary>Drops what the previous section delivered.</summary>
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

    /// <summary>Counts a complete header region.</summary>
    public void OnSnapshotComplete() => CompletedSnapshots++;
}
