using System.Runtime.InteropServices;
using Falconet.Capture.Bpf.Interop;

namespace Falconet.Capture.Bpf.Native;

/// <summary>
/// The BPF object of a <see cref="CaptureSpec"/> once it is in the kernel: opened, its maps sized,
/// loaded, its enable map and settings written, and later its programs attached. Owns the libbpf
/// object and the links.
/// </summary>
internal sealed unsafe class ProbeObject : IDisposable
{
    private readonly CaptureSpec _spec;
    private readonly List<nint> _links = [];
    private readonly int _settingsFd;
    private readonly int _statsFd;
    private readonly int _cpuCount;
    private nint _object;

    private ProbeObject(CaptureSpec spec, nint obj, int cpuCount)
    {
        _spec = spec;
        _object = obj;
        _cpuCount = cpuCount;
        try
        {
            foreach (CaptureMapSize size in spec.MapSizes)
            {
                Check(Libbpf.MapSetMaxEntries(FindMap(size.Name), size.MaxEntries), $"size the {size.Name} map");
            }
            Libbpf.LoadObject(_object, "the eBPF program", message => new LiveCaptureException(message));
            _settingsFd = MapFd("settings");
            _statsFd = MapFd("stats");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Opens and loads the object of <paramref name="spec"/>; capture stays disabled until <see cref="Enable"/>.</summary>
    public static ProbeObject Load(CaptureSpec spec)
    {
        nint obj = Libbpf.OpenObject(spec.ObjectPath, message => new LiveCaptureException(message));
        var probe = new ProbeObject(spec, obj, spec.PossibleCpus);
        try
        {
            probe.WriteSettings(enabled: false);
            probe.WriteEnableMap();
            return probe;
        }
        catch
        {
            probe.Dispose();
            throw;
        }
    }

    /// <summary>The file descriptor of map <paramref name="name"/>.</summary>
    public int MapFd(string name) => Libbpf.MapFd(FindMap(name));

    /// <summary>Attaches the spec's programs.</summary>
    public void Attach()
    {
        foreach (string name in _spec.Programs)
        {
            nint program = Libbpf.ObjectFindProgramByName(_object, name);
            if (program == 0)
            {
                throw new LiveCaptureException($"eBPF object has no program '{name}': rebuild native/bpf");
            }
            nint link = Libbpf.ProgramAttach(program);
            if (link == 0)
            {
                throw new LiveCaptureException($"cannot attach {name}: {Libbpf.ErrnoText(Marshal.GetLastPInvokeError())}. libbpf log (tail):{Environment.NewLine}{Libbpf.LogTail(2000)}");
            }
            _links.Add(link);
        }
    }

    /// <summary>Lets the programs emit (the settings' capture_enabled).</summary>
    public void Enable() => WriteSettings(enabled: true);

    /// <summary>Stops emitting, then detaches every program. Idempotent.</summary>
    public void Detach()
    {
        if (_object != 0 && _settingsFd > 0)
        {
            WriteSettings(enabled: false);
        }
        foreach (nint link in _links)
        {
            Libbpf.LinkDestroy(link);
        }
        _links.Clear();
    }

    /// <summary>The stats map summed over CPUs.</summary>
    public ProbeStats ReadStats()
    {
        var perCpu = new ProbeStats[_cpuCount];
        uint key = 0;
        fixed (ProbeStats* values = perCpu)
        {
            Check(Libbpf.MapLookupElem(_statsFd, &key, values), "read the stats map");
        }
        var total = default(ProbeStats);
        foreach (ProbeStats s in perCpu)
        {
            total.Produced += s.Produced;
            total.DroppedFull += s.DroppedFull;
            total.DroppedOther += s.DroppedOther;
            total.WakeupCounter += s.WakeupCounter;
        }
        return total;
    }

    /// <summary>Closes the object (and with it the programs and maps).</summary>
    public void Dispose()
    {
        Detach();
        if (_object != 0)
        {
            Libbpf.ObjectClose(_object);
            _object = 0;
        }
    }

    private void WriteEnableMap()
    {
        int enableFd = MapFd("syscall_enabled");
        ReadOnlySpan<byte> slots = _spec.EnableMap;
        for (uint slot = 0; slot < slots.Length; slot++)
        {
            byte on = slots[(int)slot];
            Check(Libbpf.MapUpdateElem(enableFd, &slot, &on, Libbpf.BpfAny), "write the syscall enable map");
        }
    }

    private void WriteSettings(bool enabled)
    {
        Libbpf.TimeSpec boot;
        Libbpf.ClockGetTime(Libbpf.ClockBoottime, &boot);
        long nowEpochNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        long bootNs = boot.Seconds * 1_000_000_000 + boot.Nanoseconds;
        ProbeSettings settings = _spec.Settings((ulong)(nowEpochNs - bootNs), enabled);
        uint key = 0;
        Check(Libbpf.MapUpdateElem(_settingsFd, &key, &settings, Libbpf.BpfAny), "write the settings map");
    }

    private nint FindMap(string name)
    {
        nint map = Libbpf.ObjectFindMapByName(_object, name);
        return map != 0 ? map : throw new LiveCaptureException($"eBPF object has no map '{name}': rebuild native/bpf");
    }

    private static void Check(int result, string what)
    {
        if (result < 0)
        {
            throw new LiveCaptureException($"cannot {what}: {Libbpf.ErrnoText(result)}");
        }
    }
}
