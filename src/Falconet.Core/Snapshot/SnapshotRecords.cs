using System.Net;

namespace Falconet.Core.Snapshot;

// The initial picture of the system, from a capture's header blocks or from a /proc scan.
// Readers produce these; the state engine consumes them. They are built once, so they may allocate.

public sealed record MachineInfo(uint CpuCount, ulong MemoryBytes, ulong MaxPid, string Hostname, ulong BootTimeEpochNs);

public sealed record InterfaceAddress(string Name, IPAddress Address, IPAddress Netmask, IPAddress Broadcast, ulong LinkSpeed);

public sealed record UserRecord(uint Uid, uint Gid, string Name, string HomeDirectory, string Shell, string ContainerId = "");

public sealed record GroupRecord(uint Gid, string Name, string ContainerId = "");

/// <summary>One thread of the process list (PL blocks, or /proc).</summary>
public sealed class ThreadRecord
{
    public long Tid { get; set; }
    public long Pid { get; set; }
    public long ParentTid { get; set; }
    public long Sid { get; set; } = -1;
    public long Vpgid { get; set; } = -1;
    public long Pgid { get; set; } = -1;
    public string Comm { get; set; } = "";
    /// <summary>argv[0].</summary>
    public string Exe { get; set; } = "";
    public string ExePath { get; set; } = "";
    /// <summary>argv[1..].</summary>
    public string[] Args { get; set; } = [];
    public string Cwd { get; set; } = "";
    public ulong FdLimit { get; set; }
    public uint Flags { get; set; }
    public uint Uid { get; set; }
    public uint Gid { get; set; }
    public uint VmSizeKb { get; set; }
    public uint VmRssKb { get; set; }
    public uint VmSwapKb { get; set; }
    public ulong PageFaultsMajor { get; set; }
    public ulong PageFaultsMinor { get; set; }
    public string[] Env { get; set; } = [];
    public long Vtid { get; set; } = -1;
    public long Vpid { get; set; } = -1;
    /// <summary><c>subsys=path</c> entries.</summary>
    public string[] Cgroups { get; set; } = [];
    public string Root { get; set; } = "";
    public uint LoginUid { get; set; } = uint.MaxValue;
    public uint Tty { get; set; }
    public bool ExeWritable { get; set; }
    public ulong CapInheritable { get; set; }
    public ulong CapPermitted { get; set; }
    public ulong CapEffective { get; set; }
    public ulong PidNsInitStartTs { get; set; }
    public ulong ExeIno { get; set; }
    public ulong ExeInoCtime { get; set; }
    public ulong ExeInoMtime { get; set; }
    public bool ExeUpperLayer { get; set; }
    public bool ExeLowerLayer { get; set; }
    public bool ExeFromMemfd { get; set; }
}

/// <summary>fd types of the FDL block (scap_fd_type).</summary>
public enum ScapFdType : byte
{
    Unknown = 0,
    File = 1,
    Directory = 2,
    Ipv4Socket = 3,
    Ipv6Socket = 4,
    Ipv4ServerSocket = 5,
    Ipv6ServerSocket = 6,
    Fifo = 7,
    UnixSocket = 8,
    Event = 9,
    Unsupported = 10,
    SignalFd = 11,
    EventPoll = 12,
    Inotify = 13,
    TimerFd = 14,
    Netlink = 15,
    FileV2 = 16,
    Bpf = 17,
    UserFaultFd = 18,
    IoUring = 19,
    Memfd = 20,
    PidFd = 21,
}

/// <summary>One fd of the fd list (FDL blocks, or /proc/PID/fd).</summary>
public sealed class FdRecord
{
    public long Tid { get; set; }
    public long Fd { get; set; }
    public ulong Ino { get; set; }
    public ScapFdType Type { get; set; }
    public string Name { get; set; } = "";
    public uint OpenFlags { get; set; }
    public uint Dev { get; set; }
    /// <summary>Socket: local (FDL "source") address and port. Server sockets: the bound address.</summary>
    public IPAddress? SourceIp { get; set; }
    public ushort SourcePort { get; set; }
    /// <summary>Socket: remote (FDL "destination") address and port.</summary>
    public IPAddress? DestinationIp { get; set; }
    public ushort DestinationPort { get; set; }
    /// <summary>0 unknown, 1 n/a, 2 TCP, 3 UDP, 4 ICMP, 5 RAW.</summary>
    public byte L4Proto { get; set; }
    /// <summary>Unix sockets: kernel socket identities.</summary>
    public ulong UnixSource { get; set; }
    public ulong UnixDestination { get; set; }
}

/// <summary>Receives the header blocks of a capture (or the /proc scan) before the first event.</summary>
public interface ISnapshotSink
{
    void OnMachineInfo(MachineInfo info);
    void OnInterface(InterfaceAddress address);
    void OnUser(UserRecord user);
    void OnGroup(GroupRecord group);
    void OnThread(ThreadRecord thread);
    void OnFd(FdRecord fd);

    /// <summary>A new section starts (concatenated captures): state built so far must be dropped.</summary>
    void OnSectionStart();

    /// <summary>All header blocks of the section have been delivered; events follow.</summary>
    void OnSnapshotComplete();
}
