using System.Net;

namespace Falconet.Core.Snapshot;

// The initial picture of the system, from a capture's header blocks or from a /proc scan.
// Readers produce these; the state engine consumes them. They are built once, so they may allocate.

/// <summary>The machine info block (MI): what the capturing host was.</summary>
/// <param name="CpuCount">Online CPUs.</param>
/// <param name="MemoryBytes">Physical memory.</param>
/// <param name="MaxPid">Highest pid the kernel hands out.</param>
/// <param name="Hostname">Host name.</param>
/// <param name="BootTimeEpochNs">Boot time, Unix-epoch nanoseconds.</param>
public sealed record MachineInfo(uint CpuCount, ulong MemoryBytes, ulong MaxPid, string Hostname, ulong BootTimeEpochNs);

/// <summary>One address of a network interface (IL block, or the host's interfaces).</summary>
/// <param name="Name">Interface name.</param>
/// <param name="Address">Address.</param>
/// <param name="Netmask">Netmask.</param>
/// <param name="Broadcast">Broadcast address.</param>
/// <param name="LinkSpeed">Link speed as the block records it (0 when unknown).</param>
public sealed record InterfaceAddress(string Name, IPAddress Address, IPAddress Netmask, IPAddress Broadcast, ulong LinkSpeed);

/// <summary>One user of the user list (UL block, or /etc/passwd).</summary>
/// <param name="Uid">User id.</param>
/// <param name="Gid">Primary group id.</param>
/// <param name="Name">Login name.</param>
/// <param name="HomeDirectory">Home directory.</param>
/// <param name="Shell">Login shell.</param>
/// <param name="ContainerId">Container the user belongs to; empty for the host.</param>
public sealed record UserRecord(uint Uid, uint Gid, string Name, string HomeDirectory, string Shell, string ContainerId = "");

/// <summary>One group of the user list (UL block, or /etc/group).</summary>
/// <param name="Gid">Group id.</param>
/// <param name="Name">Group name.</param>
/// <param name="ContainerId">Container the group belongs to; empty for the host.</param>
public sealed record GroupRecord(uint Gid, string Name, string ContainerId = "");

/// <summary>One thread of the process list (PL blocks, or /proc).</summary>
public sealed class ThreadRecord
{
    /// <summary>Thread id.</summary>
    public long Tid { get; set; }
    /// <summary>Process (thread group) id.</summary>
    public long Pid { get; set; }
    /// <summary>Parent thread id.</summary>
    public long ParentTid { get; set; }
    /// <summary>Session id; -1 when the block has none.</summary>
    public long Sid { get; set; } = -1;
    /// <summary>Process group id in its pid namespace; -1 when unknown.</summary>
    public long Vpgid { get; set; } = -1;
    /// <summary>Process group id; -1 when unknown.</summary>
    public long Pgid { get; set; } = -1;
    /// <summary>Command name (the kernel's comm, 16 bytes at most).</summary>
    public string Comm { get; set; } = "";
    /// <summary>argv[0].</summary>
    public string Exe { get; set; } = "";
    /// <summary>Full path of the executable.</summary>
    public string ExePath { get; set; } = "";
    /// <summary>argv[1..].</summary>
    public string[] Args { get; set; } = [];
    /// <summary>Working directory.</summary>
    public string Cwd { get; set; } = "";
    /// <summary>RLIMIT_NOFILE soft limit.</summary>
    public ulong FdLimit { get; set; }
    /// <summary>PPM_CL_* flags of the thread.</summary>
    public uint Flags { get; set; }
    /// <summary>Effective user id.</summary>
    public uint Uid { get; set; }
    /// <summary>Effective group id.</summary>
    public uint Gid { get; set; }
    /// <summary>Virtual memory size, KiB.</summary>
    public uint VmSizeKb { get; set; }
    /// <summary>Resident set size, KiB.</summary>
    public uint VmRssKb { get; set; }
    /// <summary>Swapped-out memory, KiB.</summary>
    public uint VmSwapKb { get; set; }
    /// <summary>Major page faults.</summary>
    public ulong PageFaultsMajor { get; set; }
    /// <summary>Minor page faults.</summary>
    public ulong PageFaultsMinor { get; set; }
    /// <summary>Environment, one <c>NAME=value</c> per entry.</summary>
    public string[] Env { get; set; } = [];
    /// <summary>Thread id in its pid namespace; -1 when unknown.</summary>
    public long Vtid { get; set; } = -1;
    /// <summary>Process id in its pid namespace; -1 when unknown.</summary>
    public long Vpid { get; set; } = -1;
    /// <summary><c>subsys=path</c> entries.</summary>
    public string[] Cgroups { get; set; } = [];
    /// <summary>Root directory.</summary>
    public string Root { get; set; } = "";
    /// <summary>Audit login uid; <see cref="uint.MaxValue"/> when unset.</summary>
    public uint LoginUid { get; set; } = uint.MaxValue;
    /// <summary>Controlling terminal device number (0 = none).</summary>
    public uint Tty { get; set; }
    /// <summary>The executable is writable by the thread's user.</summary>
    public bool ExeWritable { get; set; }
    /// <summary>Inheritable capabilities.</summary>
    public ulong CapInheritable { get; set; }
    /// <summary>Permitted capabilities.</summary>
    public ulong CapPermitted { get; set; }
    /// <summary>Effective capabilities.</summary>
    public ulong CapEffective { get; set; }
    /// <summary>Start time of the pid namespace's init, nanoseconds.</summary>
    public ulong PidNsInitStartTs { get; set; }
    /// <summary>Inode number of the executable.</summary>
    public ulong ExeIno { get; set; }
    /// <summary>ctime of the executable's inode, nanoseconds.</summary>
    public ulong ExeInoCtime { get; set; }
    /// <summary>mtime of the executable's inode, nanoseconds.</summary>
    public ulong ExeInoMtime { get; set; }
    /// <summary>The executable lives in an overlay's upper layer.</summary>
    public bool ExeUpperLayer { get; set; }
    /// <summary>The executable lives in an overlay's lower layer.</summary>
    public bool ExeLowerLayer { get; set; }
    /// <summary>The executable is a memfd.</summary>
    public bool ExeFromMemfd { get; set; }
}

/// <summary>One fd of the fd list (FDL blocks, or /proc/PID/fd).</summary>
public sealed class FdRecord
{
    /// <summary>Thread id.</summary>
    public long Tid { get; set; }
    /// <summary>File descriptor number.</summary>
    public long Fd { get; set; }
    /// <summary>Inode number.</summary>
    public ulong Ino { get; set; }
    /// <summary>What the fd is.</summary>
    public ScapFdType Type { get; set; }
    /// <summary>Path or socket description.</summary>
    public string Name { get; set; } = "";
    /// <summary>PPM_O_* open flags.</summary>
    public uint OpenFlags { get; set; }
    /// <summary>Device number of the file system.</summary>
    public uint Dev { get; set; }
    /// <summary>Socket: local (FDL "source") address and port. Server sockets: the bound address.</summary>
    public IPAddress? SourceIp { get; set; }
    /// <summary>Local port.</summary>
    public ushort SourcePort { get; set; }
    /// <summary>Socket: remote (FDL "destination") address and port.</summary>
    public IPAddress? DestinationIp { get; set; }
    /// <summary>Remote port.</summary>
    public ushort DestinationPort { get; set; }
    /// <summary>0 unknown, 1 n/a, 2 TCP, 3 UDP, 4 ICMP, 5 RAW.</summary>
    public byte L4Proto { get; set; }
    /// <summary>Unix sockets: kernel socket identities.</summary>
    public ulong UnixSource { get; set; }
    /// <summary>Unix sockets: the peer's kernel socket identity.</summary>
    public ulong UnixDestination { get; set; }
}

/// <summary>Receives the header blocks of a capture (or the /proc scan) before the first event.</summary>
public interface ISnapshotSink
{
    /// <summary>The machine info block.</summary>
    void OnMachineInfo(MachineInfo info);
    /// <summary>One interface address.</summary>
    void OnInterface(InterfaceAddress address);
    /// <summary>One user.</summary>
    void OnUser(UserRecord user);
    /// <summary>One group.</summary>
    void OnGroup(GroupRecord group);
    /// <summary>One thread; its fds follow with <see cref="OnFd"/>.</summary>
    void OnThread(ThreadRecord thread);
    /// <summary>One fd of a thread already delivered.</summary>
    void OnFd(FdRecord fd);

    /// <summary>A new section starts (concatenated captures): state built so far must be dropped.</summary>
    void OnSectionStart();

    /// <summary>All header blocks of the section have been delivered; events follow.</summary>
    void OnSnapshotComplete();
}
