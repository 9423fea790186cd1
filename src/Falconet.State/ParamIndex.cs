using Falconet.Core.Events;

namespace Falconet.State;

/// <summary>The event parameters the state engine reads, by name (<see cref="ParamIndex.Name"/> gives the scap name).</summary>
internal enum Param : byte
{
    Res,
    Fd,
    Flags,
    Tid,
    Pid,
    Ptid,
    Exe,
    Args,
    Comm,
    FdLimit,
    PageFaultsMajor,
    PageFaultsMinor,
    VmSize,
    VmRss,
    VmSwap,
    Uid,
    Gid,
    Vtid,
    Vpid,
    PidNsInitStartTs,
    Cgroups,
    Cwd,
    Env,
    Tty,
    Vpgid,
    Pgid,
    LoginUid,
    CapInheritable,
    CapPermitted,
    CapEffective,
    ExeIno,
    ExeInoCtime,
    ExeInoMtime,
    TrustedExePath,
    FileName,
    PathName,
    Name,
    DirFd,
    Dev,
    Ino,
    Domain,
    Type,
    Proto,
    Addr,
    Tuple,
    OldFd,
    Fd1,
    Fd2,
    Source,
    Peer,
    Path,
    Euid,
    Egid,
    ReaperTid,
    Home,
    Shell,
    ContainerId,
    Data,
    CreatFlags,
    Count,
}

/// <summary>
/// Parameter positions resolved once per event type, so parsers index parameters by integer instead of
/// searching the layout by name on every event.
/// </summary>
internal static class ParamIndex
{
    private static readonly string[] s_names =
    [
        "res", "fd", "flags", "tid", "pid", "ptid", "exe", "args", "comm", "fdlimit", "pgft_maj", "pgft_min",
        "vm_size", "vm_rss", "vm_swap", "uid", "gid", "vtid", "vpid", "pidns_init_start_ts", "cgroups", "cwd", "env",
        "tty", "vpgid", "pgid", "loginuid", "cap_inheritable", "cap_permitted", "cap_effective", "exe_ino",
        "exe_ino_ctime", "exe_ino_mtime", "trusted_exepath", "filename", "pathname", "name", "dirfd", "dev", "ino",
        "domain", "type", "proto", "addr", "tuple", "oldfd", "fd1", "fd2", "source", "peer", "path", "euid", "egid",
        "reaper_tid", "home", "shell", "container_id", "data", "creat_flags",
    ];

    private const int Stride = (int)Param.Count;

    // sbyte is enough: no event type declares more than 64 parameters (ScapEvent.MaxParams).
    private static readonly sbyte[] s_indexes = Build();

    /// <summary>The scap name of <paramref name="param"/>.</summary>
    public static string Name(Param param) => s_names[(int)param];

    /// <summary>Position of <paramref name="param"/> in the layout of event type <paramref name="type"/>; -1 when it has none.</summary>
    public static int Of(ushort type, Param param) => s_indexes[type * Stride + (int)param];

    private static sbyte[] Build()
    {
        if (s_names.Length != Stride)
        {
            throw new InvalidOperationException($"ParamIndex: {s_names.Length} names for {Stride} parameters");
        }
        IReadOnlyList<EventInfo> events = EventTable.All;
        var indexes = new sbyte[events.Count * Stride];
        for (int type = 0; type < events.Count; type++)
        {
            EventInfo info = events[type];
            for (int p = 0; p < Stride; p++)
            {
                indexes[type * Stride + p] = (sbyte)info.IndexOfParam(s_names[p]);
            }
        }
        return indexes;
    }
}
