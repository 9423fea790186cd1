using System.Buffers.Binary;
using System.Numerics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Falconet.Capture.Bpf.Interop;
using Falconet.Capture.Bpf.Proc;
using Falconet.Core.Snapshot;
using Falconet.Core.Events;

namespace Falconet.Capture.Bpf;

/// <summary>
/// A live capture session: the Falconet eBPF program loaded and attached to the syscall
/// tracepoints, its ring buffer drained into a reused <see cref="ScapEvent"/>.
/// Poll from one thread; <see cref="Stop"/> and <see cref="Dispose"/> may be called from another
/// (e.g. a SIGINT handler).
/// </summary>
public sealed unsafe class LiveCapture : IDisposable
{
    public const string BpfObjectFileName = "falconet.bpf.o";
    private const string BtfPath = "/sys/kernel/btf/vmlinux";

    // Layouts of native/bpf/falconet_maps.h
    private const int SettingsSize = 24;
    private const int StatsSize = 32;

    private readonly Lock _pollLock = new();
    private readonly ScapEvent _event = new();
    private readonly List<nint> _links = [];
    private nint _object;
    private nint _ringBuffer;
    private GCHandle _self;
    private int _settingsFd;
    private int _statsFd;
    private int _cpuCount;
    private byte[] _settings = new byte[SettingsSize];
    private Action<ScapEvent>? _consumer;
    private Exception? _consumerException;
    private ulong _received;
    private ulong _decodeErrors;
    private bool _stopped;
    private bool _disposed;

    private LiveCapture()
    {
    }

    /// <summary>Default location of the BPF object: next to this assembly.</summary>
    public static string DefaultBpfObjectPath =>
        Path.Combine(Path.GetDirectoryName(typeof(LiveCapture).Assembly.Location) ?? AppContext.BaseDirectory, BpfObjectFileName);

    /// <summary>
    /// Null when live capture can start; otherwise one line naming the missing privilege or file.
    /// </summary>
    public static string? CheckPrivileges(string? bpfObjectPath = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "live capture needs Linux (eBPF)";
        }
        if (!HasBpfCapabilities())
        {
            return "live capture needs root, or CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN); this process has none of them";
        }
        if (!File.Exists(BtfPath))
        {
            return $"live capture needs kernel BTF: {BtfPath} is missing (kernel built without CONFIG_DEBUG_INFO_BTF)";
        }
        if (!NativeLibrary.TryLoad(Libbpf.LibraryName, out nint handle))
        {
            return $"live capture needs {Libbpf.LibraryName}: install it with 'apt-get install libbpf1'";
        }
        NativeLibrary.Free(handle);
        string path = bpfObjectPath ?? DefaultBpfObjectPath;
        if (!File.Exists(path))
        {
            return $"the eBPF object {path} is missing: build src/Falconet.Capture.Bpf with clang-14, bpftool and libbpf-dev installed";
        }
        return null;
    }

    private static bool HasBpfCapabilities()
    {
        if (Libbpf.GetEuid() == 0)
        {
            return true;
        }
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal)
                    && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong caps))
                {
                    const int capSysAdmin = 21, capPerfmon = 38, capBpf = 39;
                    return (caps & (1UL << capSysAdmin)) != 0
                        || ((caps & (1UL << capBpf)) != 0 && (caps & (1UL << capPerfmon)) != 0);
                }
            }
        }
        catch (IOException)
        {
        }
        return false;
    }

    /// <summary>Loads, configures and attaches the BPF program. Throws <see cref="LiveCaptureException"/>
    /// with a user-facing message when that is not possible.</summary>
    public static LiveCapture Open(LiveCaptureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string path = options.BpfObjectPath ?? DefaultBpfObjectPath;
        string? problem = CheckPrivileges(path);
        if (problem != null)
        {
            throw new LiveCaptureException(problem);
        }
        if (options.RingBufferBytes < 4096 || !BitOperations.IsPow2(options.RingBufferBytes))
        {
            throw new LiveCaptureException($"ring buffer size {options.RingBufferBytes} must be a power of two of at least 4096 bytes");
        }
        if (options.SnapLen is < 0 or > 16384)
        {
            throw new LiveCaptureException($"snaplen {options.SnapLen} must be between 0 and 16384");
        }
        var slots = new byte[LiveSyscalls.EnableSlots];
        foreach (string name in options.Syscalls ?? LiveSyscalls.All)
        {
            if (!LiveSyscalls.TryGetSlot(name, out int slot))
            {
                throw new LiveCaptureException($"syscall '{name}' is not supported by live capture (supported: {string.Join(", ", LiveSyscalls.All.Order(StringComparer.Ordinal))})");
            }
            slots[slot] = 1;
        }

        var capture = new LiveCapture();
        try
        {
            capture.Load(path, options, slots);
            return capture;
        }
        catch
        {
            capture.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens live capture first (events start queueing in the ring buffer), then delivers the /proc
    /// snapshot to <paramref name="snapshotSink"/>, so no process started during the scan is missed.
    /// Poll or Run the returned capture next; events from during the scan come first.
    /// </summary>
    public static LiveCapture OpenWithSnapshot(LiveCaptureOptions options, ISnapshotSink snapshotSink, out ProcScanStats scanStats)
    {
        ArgumentNullException.ThrowIfNull(snapshotSink);
        LiveCapture capture = Open(options);
        try
        {
            scanStats = new ProcScanner().Scan(snapshotSink);
            return capture;
        }
        catch
        {
            capture.Dispose();
            throw;
        }
    }

    private void Load(string path, LiveCaptureOptions options, byte[] slots)
    {
        Libbpf.InstallLogCapture();
        Libbpf.ClearLog();
        _object = Libbpf.ObjectOpenFile(path, 0);
        if (_object == 0)
        {
            throw new LiveCaptureException($"cannot open eBPF object {path}: {Libbpf.ErrnoText(Marshal.GetLastPInvokeError())}");
        }
        _cpuCount = Libbpf.NumPossibleCpus();
        if (_cpuCount <= 0)
        {
            throw new LiveCaptureException($"cannot count the possible CPUs: {Libbpf.ErrnoText(_cpuCount)}");
        }
        Check(Libbpf.MapSetMaxEntries(FindMap("scratch"), (uint)_cpuCount), "size the scratch map");
        Check(Libbpf.MapSetMaxEntries(FindMap("events"), (uint)options.RingBufferBytes), "size the ring buffer");
        int err = Libbpf.ObjectLoad(_object);
        if (err != 0)
        {
            throw new LiveCaptureException($"the kernel rejected the eBPF program: {Libbpf.ErrnoText(err)}. libbpf log (tail):{Environment.NewLine}{Libbpf.LogTail(4000)}");
        }

        _settingsFd = Libbpf.MapFd(FindMap("settings"));
        _statsFd = Libbpf.MapFd(FindMap("stats"));
        WriteSettings(options, enabled: false);
        int enableFd = Libbpf.MapFd(FindMap("syscall_enabled"));
        for (uint slot = 0; slot < slots.Length; slot++)
        {
            byte on = slots[slot];
            Check(Libbpf.MapUpdateElem(enableFd, &slot, &on, Libbpf.BpfAny), "write the syscall enable map");
        }

        bool execs = slots[59] != 0 || slots[322] != 0;
        Attach("falconet_sys_exit");
        if (execs)
        {
            Attach("falconet_sys_enter");
        }
        if (slots[LiveSyscalls.ProcessExitSlot] != 0)
        {
            Attach("falconet_process_exit");
        }

        _self = GCHandle.Alloc(this);
        _ringBuffer = Libbpf.RingBufferNew(Libbpf.MapFd(FindMap("events")), &OnSample, GCHandle.ToIntPtr(_self), 0);
        if (_ringBuffer == 0)
        {
            throw new LiveCaptureException($"cannot open the ring buffer: {Libbpf.ErrnoText(Marshal.GetLastPInvokeError())}");
        }
        WriteSettings(options, enabled: true);
    }

    private nint FindMap(string name)
    {
        nint map = Libbpf.ObjectFindMapByName(_object, name);
        return map != 0 ? map : throw new LiveCaptureException($"eBPF object has no map '{name}': rebuild native/bpf");
    }

    private void Attach(string programName)
    {
        nint program = Libbpf.ObjectFindProgramByName(_object, programName);
        if (program == 0)
        {
            throw new LiveCaptureException($"eBPF object has no program '{programName}': rebuild native/bpf");
        }
        nint link = Libbpf.ProgramAttach(program);
        if (link == 0)
        {
            throw new LiveCaptureException($"cannot attach {programName}: {Libbpf.ErrnoText(Marshal.GetLastPInvokeError())}. libbpf log (tail):{Environment.NewLine}{Libbpf.LogTail(2000)}");
        }
        _links.Add(link);
    }

    private static void Check(int result, string what)
    {
        if (result < 0)
        {
            throw new LiveCaptureException($"cannot {what}: {Libbpf.ErrnoText(result)}");
        }
    }

    private void WriteSettings(LiveCaptureOptions options, bool enabled)
    {
        Libbpf.TimeSpec boot;
        Libbpf.ClockGetTime(Libbpf.ClockBoottime, &boot);
        long nowEpochNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        long bootNs = boot.Seconds * 1_000_000_000 + boot.Nanoseconds;
        Span<byte> s = _settings;
        BinaryPrimitives.WriteUInt64LittleEndian(s, (ulong)(nowEpochNs - bootNs));
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], (uint)options.SnapLen);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], (uint)Math.Max(1, options.WakeupEvery));
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], options.IgnoreOwnProcess ? (uint)Environment.ProcessId : 0);
        BinaryPrimitives.WriteUInt32LittleEndian(s[20..], enabled ? 1u : 0u);
        UpdateSettings();
    }

    private void UpdateSettings()
    {
        uint key = 0;
        fixed (byte* value = _settings)
        {
            Check(Libbpf.MapUpdateElem(_settingsFd, &key, value, Libbpf.BpfAny), "write the settings map");
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the kernel's wake-up, then drains every record in
    /// the ring (woken or not), handing each to <paramref name="consumer"/> in a reused event.
    /// Returns the number of records handed over. An exception thrown by the consumer stops the
    /// drain and is rethrown here.
    /// </summary>
    public int Poll(Action<ScapEvent> consumer, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        int delivered = PollCore(consumer, timeout);
        ObjectDisposedException.ThrowIf(delivered < 0, this);
        return delivered;
    }

    /// <summary>-1 when disposed (possibly by another thread), else the records delivered.</summary>
    private int PollCore(Action<ScapEvent> consumer, TimeSpan timeout)
    {
        lock (_pollLock)
        {
            if (_disposed)
            {
                return -1;
            }
            _consumer = consumer;
            ulong before = _received;
            try
            {
                int timeoutMs = (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
                int rc = Libbpf.RingBufferPoll(_ringBuffer, timeoutMs);
                if (rc >= 0 || rc == -4) // -EINTR after a signal: just drain
                {
                    rc = Libbpf.RingBufferConsume(_ringBuffer);
                }
                if (_consumerException is { } error)
                {
                    _consumerException = null;
                    ExceptionDispatchInfoThrow(error);
                }
                if (rc < 0 && rc != -4)
                {
                    throw new LiveCaptureException($"reading the ring buffer failed: {Libbpf.ErrnoText(rc)}");
                }
            }
            finally
            {
                _consumer = null;
            }
            return (int)(_received - before);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ExceptionDispatchInfoThrow(Exception error) =>
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled, then drains what is left.</summary>
    /// <remarks>Returns quietly when the capture is disposed meanwhile (e.g. by a signal handler).</remarks>
    public void Run(Action<ScapEvent> consumer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (PollCore(consumer, TimeSpan.FromMilliseconds(100)) < 0)
            {
                return;
            }
        }
        PollCore(consumer, TimeSpan.Zero);
    }

    /// <summary>Stops producing: detaches the programs. Records already in the ring can still be polled.</summary>
    public void Stop()
    {
        lock (_links)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            if (_settingsFd > 0)
            {
                _settings[20] = 0;
                UpdateSettings();
            }
            foreach (nint link in _links)
            {
                Libbpf.LinkDestroy(link);
            }
            _links.Clear();
        }
    }

    /// <summary>Kernel counters summed over CPUs plus this reader's counters.</summary>
    public LiveCaptureStats GetStats()
    {
        ulong produced = 0, full = 0, other = 0;
        if (_statsFd > 0)
        {
            var values = new byte[StatsSize * _cpuCount];
            uint key = 0;
            fixed (byte* v = values)
            {
                Check(Libbpf.MapLookupElem(_statsFd, &key, v), "read the stats map");
            }
            for (int cpu = 0; cpu < _cpuCount; cpu++)
            {
                ReadOnlySpan<byte> s = values.AsSpan(cpu * StatsSize, StatsSize);
                produced += BinaryPrimitives.ReadUInt64LittleEndian(s);
                full += BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
                other += BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
            }
        }
        return new LiveCaptureStats(Volatile.Read(ref _received), produced, full, other, Volatile.Read(ref _decodeErrors));
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnSample(nint context, nint data, nuint size)
    {
        try
        {
            var self = (LiveCapture)GCHandle.FromIntPtr(context).Target!;
            return self.OnRecord(new ReadOnlySpan<byte>((void*)data, (int)size));
        }
        catch
        {
            return -1; // never let an exception cross into libbpf
        }
    }

    private int OnRecord(ReadOnlySpan<byte> record)
    {
        _received++;
        if (_event.Decode(record, v1Header: false) != null || !EventTable.IsKnown(_event.Type))
        {
            _decodeErrors++;
            return 0;
        }
        _event.Number = _received;
        try
        {
            _consumer?.Invoke(_event);
            return 0;
        }
        catch (Exception ex)
        {
            _consumerException = ex;
            return -1;
        }
    }

    public void Dispose()
    {
        Stop();
        lock (_pollLock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_ringBuffer != 0)
            {
                Libbpf.RingBufferFree(_ringBuffer);
                _ringBuffer = 0;
            }
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
    }
}
