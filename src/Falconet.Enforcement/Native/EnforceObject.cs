using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Falconet.Capture.Bpf.Interop;

namespace Falconet.Enforcement.Native;

/// <summary>
/// The enforcement object of an <see cref="EnforcementSpec"/> once it is in the kernel: loaded, its settings and
/// policy written, its programs attached to the cgroups, its report ring buffer open. Owns the libbpf object, the
/// links and the ring buffer.
/// </summary>
internal sealed unsafe class EnforceObject : IDisposable
{
    // Programs that read the generation just before a flip may still use the old maps for a few microseconds;
    // the inactive generation is cleared only this long after the last flip.
    private static readonly TimeSpan s_flipGrace = TimeSpan.FromMilliseconds(20);

    private readonly List<nint> _links = [];
    private readonly List<EnforcementReport> _pending = [];
    // ReadStats runs on the event thread once per loop turn (for /metrics): its per-CPU buffer is reused.
    private EnforceStats[]? _perCpu;
    private readonly int _cpuCount;
    private readonly int _settingsFd;
    private readonly int _generationFd;
    private readonly int _statsFd;
    private readonly int _admitted4Fd;
    private readonly int _admitted6Fd;
    private readonly ulong _bootToEpochNs;
    private nint _object;
    private nint _ringBuffer;
    private GCHandle _self;
    private int _active = -1;
    private long _lastFlipTicks;

    private EnforceObject(nint obj)
    {
        _object = obj;
        _cpuCount = Libbpf.NumPossibleCpus();
        try
        {
            if (_cpuCount <= 0)
            {
                throw new EnforcementException($"cannot count the possible CPUs: {Libbpf.ErrnoText(_cpuCount)}");
            }
            Libbpf.LoadObject(_object, "the enforcement programs", message => new EnforcementException(message));
            _settingsFd = MapFd("settings");
            _generationFd = MapFd("generation");
            _statsFd = MapFd("stats");
            _admitted4Fd = MapFd("admitted4");
            _admitted6Fd = MapFd("admitted6");
            _bootToEpochNs = BootToEpochNs();
            _self = GCHandle.Alloc(this);
            _ringBuffer = Libbpf.RingBufferNew(MapFd("reports"), &OnReport, GCHandle.ToIntPtr(_self), 0);
            if (_ringBuffer == 0)
            {
                throw new EnforcementException($"cannot open the enforcement report ring buffer: {Libbpf.ErrnoText(Marshal.GetLastPInvokeError())}");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Opens and loads the object at <paramref name="path"/>; its settings say off until <see cref="WriteSettings"/>.</summary>
    public static EnforceObject Load(string path)
    {
        return new EnforceObject(Libbpf.OpenObject(path, message => new EnforcementException(message)));
    }

    /// <summary>The generation the programs use now (0 or 1), or -1 before the first policy.</summary>
    public int ActiveGeneration => _active;

    /// <summary>Writes the settings (mode, exemptions, TTL bounds).</summary>
    public void WriteSettings(EnforceSettings settings)
    {
        uint key = 0;
        Check(Libbpf.MapUpdateElem(_settingsFd, &key, &settings, Libbpf.BpfAny), "write the enforcement settings");
    }

    /// <summary>
    /// Fills the inactive generation of the policy maps with <paramref name="tables"/>, then makes it the active one
    /// with a single 4-byte update: a decision sees the old policy or the new one, never a half-built map.
    /// </summary>
    public void WritePolicy(PolicyTables tables)
    {
        int next = _active < 0 ? 0 : _active ^ 1;
        TimeSpan sinceFlip = TimeSpan.FromTicks(Environment.TickCount64 * TimeSpan.TicksPerMillisecond - _lastFlipTicks);
        if (_active >= 0 && sinceFlip < s_flipGrace)
        {
            Thread.Sleep(s_flipGrace - sinceFlip);
        }
        string g = next.ToString(System.Globalization.CultureInfo.InvariantCulture);
        int exact4 = MapFd("exact4_" + g), exact6 = MapFd("exact6_" + g), net4 = MapFd("net4_" + g), net6 = MapFd("net6_" + g), names = MapFd("names_" + g);
        Clear(exact4, 4);
        Clear(exact6, 16);
        Clear(net4, 8);
        Clear(net6, 20);
        Clear(names, 8);
        foreach ((uint address, byte value) in tables.Exact4)
        {
            uint k = address;
            byte v = value;
            Check(Libbpf.MapUpdateElem(exact4, &k, &v, Libbpf.BpfAny), "write the exact IPv4 policy");
        }
        foreach ((UInt128 address, byte value) in tables.Exact6)
        {
            UInt128 k = address;
            byte v = value;
            Check(Libbpf.MapUpdateElem(exact6, &k, &v, Libbpf.BpfAny), "write the exact IPv6 policy");
        }
        byte* lpm = stackalloc byte[20];
        foreach (((int prefix, uint address), byte value) in tables.Net4)
        {
            *(uint*)lpm = (uint)prefix;
            *(uint*)(lpm + 4) = address;
            byte v = value;
            Check(Libbpf.MapUpdateElem(net4, lpm, &v, Libbpf.BpfAny), "write the IPv4 network policy");
        }
        foreach (((int prefix, UInt128 address), byte value) in tables.Net6)
        {
            *(uint*)lpm = (uint)prefix;
            *(UInt128*)(lpm + 4) = address;
            byte v = value;
            Check(Libbpf.MapUpdateElem(net6, lpm, &v, Libbpf.BpfAny), "write the IPv6 network policy");
        }
        foreach ((ulong key, byte value) in tables.Names)
        {
            ulong k = key;
            byte v = value;
            Check(Libbpf.MapUpdateElem(names, &k, &v, Libbpf.BpfAny), "write the domain policy");
        }
        uint zero = 0;
        uint generation = (uint)next;
        Check(Libbpf.MapUpdateElem(_generationFd, &zero, &generation, Libbpf.BpfAny), "switch the policy generation");
        _active = next;
        _lastFlipTicks = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
    }

    /// <summary>Attaches every program of <paramref name="programs"/> to each cgroup; pins each link in <paramref name="pinDirectory"/> when given.</summary>
    public void Attach(IReadOnlyList<string> cgroups, IReadOnlyList<string> programs, string? pinDirectory)
    {
        foreach (string cgroup in cgroups)
        {
            int fd = Libbpf.Open(cgroup, Libbpf.OpenDirectoryReadOnly);
            if (fd < 0)
            {
                throw new EnforcementException($"cannot open cgroup {cgroup}: {Libbpf.ErrnoText(Marshal.GetLastPInvokeError())}");
            }
            try
            {
                foreach (string name in programs)
                {
                    nint program = Libbpf.ObjectFindProgramByName(_object, name);
                    if (program == 0)
                    {
                        throw new EnforcementException($"eBPF object has no program '{name}': rebuild native/bpf");
                    }
                    nint link = Libbpf.ProgramAttachCgroup(program, fd);
                    if (link == 0)
                    {
                        throw new EnforcementException($"cannot attach {name} to cgroup {cgroup}: {Libbpf.ErrnoText(Marshal.GetLastPInvokeError())}. libbpf log (tail):{Environment.NewLine}{Libbpf.LogTail(2000)}");
                    }
                    _links.Add(link);
                    if (pinDirectory is not null)
                    {
                        string pin = Path.Join(pinDirectory, $"{name}-{CgroupV2.Id(cgroup)}-{Environment.ProcessId}");
                        Check(Libbpf.LinkPin(link, pin), $"pin {pin}");
                    }
                }
            }
            finally
            {
                Libbpf.Close(fd);
            }
        }
    }

    /// <summary>The decision counters summed over CPUs.</summary>
    public EnforcementCounters ReadStats()
    {
        EnforceStats[] perCpu = _perCpu ??= new EnforceStats[_cpuCount];
        uint key = 0;
        fixed (EnforceStats* values = perCpu)
        {
            Check(Libbpf.MapLookupElem(_statsFd, &key, values), "read the enforcement counters");
        }
        ulong allowed = 0, denied = 0, audited = 0, exempt = 0, answers = 0, admitted = 0, dropped = 0;
        foreach (EnforceStats s in perCpu)
        {
            allowed += s.Allowed;
            denied += s.Denied;
            audited += s.Audited;
            exempt += s.Exempt;
            answers += s.DnsAnswers;
            admitted += s.DnsAdmitted;
            dropped += s.ReportsDropped;
        }
        return new EnforcementCounters(allowed, denied, audited, exempt, answers, admitted, dropped);
    }

    /// <summary>Drains the report ring buffer without waiting; returns the reports in arrival order.</summary>
    public IReadOnlyList<EnforcementReport> ConsumeReports()
    {
        _pending.Clear();
        if (_ringBuffer != 0)
        {
            int n = Libbpf.RingBufferConsume(_ringBuffer);
            if (n < 0 && n != -4)
            {
                throw new EnforcementException($"cannot read the enforcement reports: {Libbpf.ErrnoText(n)}");
            }
        }
        return _pending;
    }

    /// <summary>
    /// Deletes admitted addresses that have expired at <paramref name="nowBootNs"/> or whose name is no longer in
    /// <paramref name="liveNameKeys"/>; returns how many went.
    /// </summary>
    public int AgeAdmitted(ulong nowBootNs, IReadOnlySet<ulong> liveNameKeys)
    {
        return Age(_admitted4Fd, 16, nowBootNs, liveNameKeys) + Age(_admitted6Fd, 24, nowBootNs, liveNameKeys);
    }

    /// <summary>The kernel's run statistics of each program.</summary>
    public IReadOnlyList<ProgramRunStats> ReadRunStats(IReadOnlyList<string> programs)
    {
        var result = new List<ProgramRunStats>();
        byte* info = stackalloc byte[Libbpf.ProgInfoSize];
        foreach (string name in programs)
        {
            nint program = Libbpf.ObjectFindProgramByName(_object, name);
            if (program == 0)
            {
                continue;
            }
            new Span<byte>(info, Libbpf.ProgInfoSize).Clear();
            uint length = Libbpf.ProgInfoSize;
            Check(Libbpf.ObjGetInfoByFd(Libbpf.ProgramFd(program), info, &length), $"read the run statistics of {name}");
            result.Add(new ProgramRunStats(name, *(ulong*)(info + Libbpf.ProgInfoRunCountOffset), *(ulong*)(info + Libbpf.ProgInfoRunTimeOffset)));
        }
        return result;
    }

    /// <summary>Now on the clock the programs use (CLOCK_BOOTTIME), ns.</summary>
    public static ulong NowBootNs()
    {
        Libbpf.TimeSpec boot;
        Libbpf.ClockGetTime(Libbpf.ClockBoottime, &boot);
        return (ulong)(boot.Seconds * 1_000_000_000 + boot.Nanoseconds);
    }

    /// <summary>Detaches every program (links not pinned go; pinned ones stay in bpffs). Idempotent.</summary>
    public void Detach()
    {
        foreach (nint link in _links)
        {
            Libbpf.LinkDestroy(link);
        }
        _links.Clear();
    }

    /// <summary>Frees the ring buffer, destroys the links and closes the object.</summary>
    public void Dispose()
    {
        if (_ringBuffer != 0)
        {
            Libbpf.RingBufferFree(_ringBuffer);
            _ringBuffer = 0;
        }
        Detach();
        if (_object != 0)
        {
            Libbpf.ObjectClose(_object);
            _object = 0;
        }
        if (_self.IsAllocated)
        {
            _self.Free();
        }
    }

    private int Age(int fd, int keySize, ulong now, IReadOnlySet<ulong> live)
    {
        var doomed = new List<byte[]>();
        byte* key = stackalloc byte[keySize];
        byte* next = stackalloc byte[keySize];
        byte* value = stackalloc byte[16];
        bool first = true;
        while (Libbpf.MapGetNextKey(fd, first ? null : key, next) == 0)
        {
            first = false;
            Buffer.MemoryCopy(next, key, keySize, keySize);
            if (Libbpf.MapLookupElem(fd, key, value) == 0)
            {
                ulong expires = *(ulong*)value;
                ulong nameKey = *(ulong*)(value + 8);
                if (expires <= now || !live.Contains(nameKey))
                {
                    doomed.Add(new ReadOnlySpan<byte>(key, keySize).ToArray());
                }
            }
        }
        foreach (byte[] k in doomed)
        {
            fixed (byte* p = k)
            {
                Libbpf.MapDeleteElem(fd, p);
            }
        }
        return doomed.Count;
    }

    private static void Clear(int fd, int keySize)
    {
        var keys = new List<byte[]>();
        byte* key = stackalloc byte[keySize];
        byte* next = stackalloc byte[keySize];
        bool first = true;
        while (Libbpf.MapGetNextKey(fd, first ? null : key, next) == 0)
        {
            first = false;
            Buffer.MemoryCopy(next, key, keySize, keySize);
            keys.Add(new ReadOnlySpan<byte>(key, keySize).ToArray());
        }
        foreach (byte[] k in keys)
        {
            fixed (byte* p = k)
            {
                Check(Libbpf.MapDeleteElem(fd, p), "clear a policy map");
            }
        }
    }

    private int MapFd(string name)
    {
        nint map = Libbpf.ObjectFindMapByName(_object, name);
        if (map == 0)
        {
            throw new EnforcementException($"eBPF object has no map '{name}': rebuild native/bpf");
        }
        return Libbpf.MapFd(map);
    }

    private static ulong BootToEpochNs()
    {
        long nowEpochNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        return (ulong)(nowEpochNs - (long)NowBootNs());
    }

    private static void Check(int result, string what)
    {
        if (result < 0)
        {
            throw new EnforcementException($"cannot {what}: {Libbpf.ErrnoText(result)}");
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnReport(nint context, nint data, nuint size)
    {
        try
        {
            var self = (EnforceObject)GCHandle.FromIntPtr(context).Target!;
            if ((int)size >= sizeof(EnforceEvent))
            {
                self._pending.Add(self.Decode(*(EnforceEvent*)data));
            }
            return 0;
        }
        catch
        {
            return 0; // never let an exception cross into libbpf
        }
    }

    private EnforcementReport Decode(EnforceEvent e)
    {
        IPAddress address = e.Family == 2
            ? new IPAddress(new ReadOnlySpan<byte>(e.Addr, 4))
            : new IPAddress(new ReadOnlySpan<byte>(e.Addr, 16));
        var comm = new ReadOnlySpan<byte>(e.Comm, 16);
        int end = comm.IndexOf((byte)0);
        return new EnforcementReport
        {
            TimestampNs = e.BootNs + _bootToEpochNs,
            Verdict = e.Verdict == (uint)KernelMode.Enforce ? EnforcementMode.Enforce : EnforcementMode.Audit,
            Call = e.Hook is 0 or 1 ? "connect" : "sendmsg",
            Protocol = e.Protocol switch { 6 => "tcp", 17 => "udp", _ => e.Protocol.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Address = address,
            Port = (int)e.Port,
            ProcessId = (int)e.Tgid,
            ThreadId = (int)e.Tid,
            UserId = e.Uid,
            Command = System.Text.Encoding.UTF8.GetString(end < 0 ? comm : comm[..end]),
            CgroupId = e.CgroupId,
        };
    }
}
