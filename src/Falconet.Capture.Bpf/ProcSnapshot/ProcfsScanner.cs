using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;

namespace Falconet.Capture.Bpf.ProcSnapshot;

/// <summary>
/// The initial picture of a live system, read from /proc and /etc, delivered as snapshot records
/// (the same records a capture's header blocks produce), so live state starts where a capture would.
/// Processes that exit during the scan are skipped and counted.
/// </summary>
public sealed class ProcfsScanner
{
    private const uint CloneThreadAndFiles = 0x2001; // PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES

    private readonly string _proc;
    private readonly string _etc;
    private readonly Dictionary<string, SocketTables> _socketTablesByNetNs = new(StringComparer.Ordinal);
    private string[]? _cgroupV2Controllers;

    /// <param name="procRoot">Mount point of procfs (tests may point elsewhere).</param>
    /// <param name="etcRoot">Directory holding passwd and group.</param>
    public ProcfsScanner(string procRoot = "/proc", string etcRoot = "/etc")
    {
        _proc = procRoot;
        _etc = etcRoot;
    }

    /// <summary>Reads every process, thread, fd, user, group and interface once and hands them to <paramref name="sink"/>.</summary>
    public ProcScanStats Scan(ISnapshotSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _socketTablesByNetNs.Clear();
        sink.OnSectionStart();
        sink.OnMachineInfo(ReadMachineInfo());
        int interfaces = 0, users = 0, groups = 0, threads = 0, fds = 0, vanished = 0;
        foreach (InterfaceAddress address in ReadInterfaces())
        {
            sink.OnInterface(address);
            interfaces++;
        }
        foreach (UserRecord user in ReadUsers())
        {
            sink.OnUser(user);
            users++;
        }
        foreach (GroupRecord group in ReadGroups())
        {
            sink.OnGroup(group);
            groups++;
        }
        foreach (int pid in ListNumericEntries(_proc))
        {
            try
            {
                var processThreads = new List<ThreadRecord>();
                foreach (int tid in ListNumericEntries(Path.Combine(_proc, pid.ToString(CultureInfo.InvariantCulture), "task")))
                {
                    ThreadRecord? thread = ReadThread(pid, tid);
                    if (thread != null)
                    {
                        processThreads.Add(thread);
                    }
                }
                if (processThreads.Count == 0)
                {
                    vanished++;
                    continue;
                }
                List<FdRecord> processFds = ReadFds(pid);
                foreach (ThreadRecord thread in processThreads)
                {
                    sink.OnThread(thread);
                    threads++;
                }
                foreach (FdRecord fd in processFds)
                {
                    sink.OnFd(fd);
                    fds++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                vanished++; // exited while being read
            }
        }
        sink.OnSnapshotComplete();
        return new ProcScanStats(threads, fds, users, groups, interfaces, vanished);
    }

    private static IEnumerable<int> ListNumericEntries(string directory)
    {
        string[] entries;
        try
        {
            entries = Directory.GetDirectories(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (string entry in entries)
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out int id))
            {
                yield return id;
            }
        }
    }

    // ---- threads ---------------------------------------------------------------------------

    /// <summary>Reads one thread; null when it vanished.</summary>
    internal ThreadRecord? ReadThread(int pid, int tid)
    {
        string processDir = Path.Combine(_proc, pid.ToString(CultureInfo.InvariantCulture));
        string taskDir = Path.Combine(processDir, "task", tid.ToString(CultureInfo.InvariantCulture));
        string? status = TryReadText(Path.Combine(taskDir, "status"));
        string? stat = TryReadText(Path.Combine(taskDir, "stat"));
        if (status == null || stat == null)
        {
            return null;
        }
        var thread = new ThreadRecord
        {
            Tid = tid,
            Pid = pid,
            Comm = (TryReadText(Path.Combine(taskDir, "comm")) ?? "").TrimEnd('\n'),
            ExePath = TryReadLink(Path.Combine(processDir, "exe")) ?? "",
            Cwd = TryReadLink(Path.Combine(processDir, "cwd")) ?? "",
            Root = TryReadLink(Path.Combine(processDir, "root")) ?? "",
            Env = SplitNulList(TryReadText(Path.Combine(processDir, "environ")) ?? ""),
            Flags = tid == pid ? 0 : CloneThreadAndFiles,
            FdLimit = ReadFdLimit(Path.Combine(processDir, "limits")),
            Cgroups = ReadCgroups(Path.Combine(processDir, "cgroup")),
        };
        string[] argv = SplitNulList(TryReadText(Path.Combine(processDir, "cmdline")) ?? "");
        if (argv.Length > 0)
        {
            thread.Exe = argv[0];
            thread.Args = argv[1..];
        }
        if (uint.TryParse(TryReadText(Path.Combine(processDir, "loginuid"))?.Trim(), CultureInfo.InvariantCulture, out uint loginUid))
        {
            thread.LoginUid = loginUid;
        }
        ApplyStatus(thread, status);
        ApplyStat(thread, stat);
        return thread;
    }

    private static void ApplyStatus(ThreadRecord thread, string status)
    {
        foreach (string line in status.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }
            string key = line[..colon];
            string[] values = line[(colon + 1)..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (values.Length == 0)
            {
                continue;
            }
            switch (key)
            {
                case "PPid": thread.ParentTid = ParseLong(values[0]); break;
                case "Uid" when values.Length > 1: thread.Uid = (uint)ParseLong(values[1]); break; // effective
                case "Gid" when values.Length > 1: thread.Gid = (uint)ParseLong(values[1]); break;
                case "NSpid": thread.Vtid = ParseLong(values[^1]); break;
                case "NStgid": thread.Vpid = ParseLong(values[^1]); break;
                case "NSpgid": thread.Vpgid = ParseLong(values[^1]); break;
                case "VmSize": thread.VmSizeKb = (uint)ParseLong(values[0]); break;
                case "VmRSS": thread.VmRssKb = (uint)ParseLong(values[0]); break;
                case "VmSwap": thread.VmSwapKb = (uint)ParseLong(values[0]); break;
                case "CapInh": thread.CapInheritable = ParseHex(values[0]); break;
                case "CapPrm": thread.CapPermitted = ParseHex(values[0]); break;
                case "CapEff": thread.CapEffective = ParseHex(values[0]); break;
            }
        }
    }

    /// <summary>/proc/PID/task/TID/stat: fields after the parenthesised comm (which may hold spaces).</summary>
    private static void ApplyStat(ThreadRecord thread, string stat)
    {
        int close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return;
        }
        string[] f = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // f[0]=state(3) f[1]=ppid(4) f[2]=pgrp(5) f[3]=session(6) f[4]=tty_nr(7) ... f[7]=minflt(10) f[9]=majflt(12)
        if (f.Length > 9)
        {
            thread.Pgid = ParseLong(f[2]);
            thread.Sid = ParseLong(f[3]);
            thread.Tty = (uint)ParseLong(f[4]);
            thread.PageFaultsMinor = (ulong)ParseLong(f[7]);
            thread.PageFaultsMajor = (ulong)ParseLong(f[9]);
        }
    }

    private static ulong ReadFdLimit(string limitsPath)
    {
        foreach (string line in (TryReadText(limitsPath) ?? "").Split('\n'))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                string[] f = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return f.Length > 0 && ulong.TryParse(f[0], CultureInfo.InvariantCulture, out ulong soft) ? soft : 0;
            }
        }
        return 0;
    }

    /// <summary><c>subsys=path</c> entries. A cgroup v2 line ("0::/path") stands for every controller
    /// enabled at the root, all of which share that path.</summary>
    private string[] ReadCgroups(string cgroupPath)
    {
        var entries = new List<string>();
        foreach (string line in (TryReadText(cgroupPath) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(':', 3);
            if (f.Length != 3)
            {
                continue;
            }
            if (f[1].Length == 0)
            {
                foreach (string controller in CgroupV2Controllers())
                {
                    entries.Add(controller + "=" + f[2]);
                }
            }
            else
            {
                foreach (string controller in f[1].Split(','))
                {
                    entries.Add(controller + "=" + f[2]);
                }
            }
        }
        return [.. entries];
    }

    private string[] CgroupV2Controllers() =>
        _cgroupV2Controllers ??= (TryReadText("/sys/fs/cgroup/cgroup.controllers") ?? "")
            .Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);

    // ---- fds -------------------------------------------------------------------------------

    /// <summary>The fds of a process (shared by its threads, so attributed to the leader).</summary>
    internal List<FdRecord> ReadFds(int pid)
    {
        string processDir = Path.Combine(_proc, pid.ToString(CultureInfo.InvariantCulture));
        var fds = new List<FdRecord>();
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries(Path.Combine(processDir, "fd"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return fds;
        }
        SocketTables? sockets = null;
        foreach (string entry in entries)
        {
            if (!long.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out long fdNumber))
            {
                continue;
            }
            string? target = TryReadLink(entry);
            if (target == null)
            {
                continue; // closed meanwhile
            }
            var fd = new FdRecord { Tid = pid, Fd = fdNumber };
            ReadFdInfo(Path.Combine(processDir, "fdinfo", Path.GetFileName(entry)), fd);
            if (TryBracketed(target, "socket:", out ulong socketInode))
            {
                fd.Ino = socketInode;
                sockets ??= SocketTablesOf(processDir);
                ApplySocket(fd, sockets, socketInode);
            }
            else if (TryBracketed(target, "pipe:", out ulong pipeInode))
            {
                fd.Type = ScapFdType.Fifo;
                fd.Ino = pipeInode;
                fd.Name = target;
            }
            else if (target.StartsWith("anon_inode:", StringComparison.Ordinal))
            {
                fd.Type = AnonInodeType(target["anon_inode:".Length..]);
                fd.Name = target;
            }
            else if (target.StartsWith("/memfd:", StringComparison.Ordinal))
            {
                fd.Type = ScapFdType.Memfd;
                fd.Name = target;
            }
            else if (target.StartsWith('/'))
            {
                fd.Type = Directory.Exists(target) && !File.Exists(target) ? ScapFdType.Directory : ScapFdType.FileV2;
                fd.Name = target;
            }
            else
            {
                fd.Type = ScapFdType.Unsupported;
                fd.Name = target;
            }
            fds.Add(fd);
        }
        return fds;
    }

    private SocketTables SocketTablesOf(string processDir)
    {
        string netNs = TryReadLink(Path.Combine(processDir, "ns", "net")) ?? processDir;
        if (!_socketTablesByNetNs.TryGetValue(netNs, out SocketTables? tables))
        {
            tables = SocketTables.Read(Path.Combine(processDir, "net"));
            _socketTablesByNetNs[netNs] = tables;
        }
        return tables;
    }

    private static void ApplySocket(FdRecord fd, SocketTables sockets, ulong inode)
    {
        if (!sockets.TryGet(inode, out SocketEntry entry))
        {
            fd.Type = ScapFdType.Unsupported;
            fd.Name = $"socket:[{inode}]";
            return;
        }
        fd.Type = entry.Type;
        fd.L4Proto = entry.L4Proto;
        fd.SourceIp = entry.LocalIp;
        fd.SourcePort = entry.LocalPort;
        fd.DestinationIp = entry.RemoteIp;
        fd.DestinationPort = entry.RemotePort;
        fd.UnixSource = entry.UnixAddress;
        fd.Name = entry.Name;
    }

    private static ScapFdType AnonInodeType(string kind) => kind switch
    {
        "[eventfd]" => ScapFdType.Event,
        "[eventpoll]" => ScapFdType.EventPoll,
        "inotify" => ScapFdType.Inotify,
        "[signalfd]" => ScapFdType.SignalFd,
        "[timerfd]" => ScapFdType.TimerFd,
        "[userfaultfd]" => ScapFdType.UserFaultFd,
        "[io_uring]" => ScapFdType.IoUring,
        "[pidfd]" => ScapFdType.PidFd,
        _ when kind.StartsWith("bpf", StringComparison.Ordinal) => ScapFdType.Bpf,
        _ => ScapFdType.Unsupported,
    };

    private static bool TryBracketed(string target, string prefix, out ulong value)
    {
        value = 0;
        return target.StartsWith(prefix, StringComparison.Ordinal)
            && target.EndsWith(']')
            && target.Length > prefix.Length + 2
            && ulong.TryParse(target.AsSpan(prefix.Length + 1, target.Length - prefix.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static void ReadFdInfo(string path, FdRecord fd)
    {
        foreach (string line in (TryReadText(path) ?? "").Split('\n'))
        {
            if (line.StartsWith("flags:", StringComparison.Ordinal))
            {
                try
                {
                    fd.OpenFlags = PpmOpenFlags.FromLinux(Convert.ToUInt32(line[6..].Trim(), 8));
                }
                catch (FormatException)
                {
                }
            }
            else if (line.StartsWith("ino:", StringComparison.Ordinal) && ulong.TryParse(line[4..].Trim(), CultureInfo.InvariantCulture, out ulong ino))
            {
                fd.Ino = ino;
            }
        }
    }

    // ---- users, groups, interfaces, machine -------------------------------------------------

    internal IEnumerable<UserRecord> ReadUsers()
    {
        foreach (string line in (TryReadText(Path.Combine(_etc, "passwd")) ?? "").Split('\n'))
        {
            string[] f = line.Split(':');
            if (f.Length >= 7 && uint.TryParse(f[2], CultureInfo.InvariantCulture, out uint uid) && uint.TryParse(f[3], CultureInfo.InvariantCulture, out uint gid))
            {
                yield return new UserRecord(uid, gid, f[0], f[5], f[6]);
            }
        }
    }

    internal IEnumerable<GroupRecord> ReadGroups()
    {
        foreach (string line in (TryReadText(Path.Combine(_etc, "group")) ?? "").Split('\n'))
        {
            string[] f = line.Split(':');
            if (f.Length >= 3 && uint.TryParse(f[2], CultureInfo.InvariantCulture, out uint gid))
            {
                yield return new GroupRecord(gid, f[0]);
            }
        }
    }

    private static IEnumerable<InterfaceAddress> ReadInterfaces()
    {
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            ulong speed = 0;
            try
            {
                speed = nic.Speed > 0 ? (ulong)nic.Speed : 0;
            }
            catch (PlatformNotSupportedException)
            {
            }
            foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
            {
                IPAddress address = unicast.Address;
                bool v4 = address.AddressFamily == AddressFamily.InterNetwork;
                IPAddress mask = v4 ? unicast.IPv4Mask : PrefixMask(unicast.PrefixLength, 16);
                IPAddress broadcast = v4 ? Broadcast(address, mask) : IPAddress.IPv6None;
                yield return new InterfaceAddress(nic.Name, address, mask, broadcast, speed);
            }
        }
    }

    private static IPAddress PrefixMask(int prefixLength, int size)
    {
        var bytes = new byte[size];
        for (int i = 0; i < size; i++)
        {
            int bits = Math.Clamp(prefixLength - i * 8, 0, 8);
            bytes[i] = (byte)(0xFF << (8 - bits));
        }
        return new IPAddress(bytes);
    }

    private static IPAddress Broadcast(IPAddress address, IPAddress mask)
    {
        byte[] a = address.GetAddressBytes(), m = mask.GetAddressBytes();
        for (int i = 0; i < a.Length; i++)
        {
            a[i] |= (byte)~m[i];
        }
        return new IPAddress(a);
    }

    private MachineInfo ReadMachineInfo()
    {
        ulong memory = 0, bootSeconds = 0;
        foreach (string line in (TryReadText(Path.Combine(_proc, "meminfo")) ?? "").Split('\n'))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                memory = f.Length > 1 ? (ulong)ParseLong(f[1]) * 1024 : 0;
            }
        }
        foreach (string line in (TryReadText(Path.Combine(_proc, "stat")) ?? "").Split('\n'))
        {
            if (line.StartsWith("btime ", StringComparison.Ordinal))
            {
                bootSeconds = (ulong)ParseLong(line[6..].Trim());
            }
        }
        ulong maxPid = (ulong)ParseLong((TryReadText(Path.Combine(_proc, "sys", "kernel", "pid_max")) ?? "0").Trim());
        return new MachineInfo((uint)Environment.ProcessorCount, memory, maxPid, Environment.MachineName, bootSeconds * 1_000_000_000UL);
    }

    // ---- small readers ----------------------------------------------------------------------

    private static string? TryReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? TryReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string[] SplitNulList(string text) => text.Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static long ParseLong(string text) => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : 0;

    private static ulong ParseHex(string text) => ulong.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong v) ? v : 0;
}
