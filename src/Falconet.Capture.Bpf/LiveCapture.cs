using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Falconet.Capture.Bpf.Interop;
using Falconet.Capture.Bpf.Native;
using Falconet.Capture.Bpf.ProcSnapshot;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;

namespace Falconet.Capture.Bpf;

/// <summary>
/// A live capture session: the probe of a <see cref="CaptureSpec"/> loaded and attached, its ring
/// buffer drained into a reused <see cref="ScapEvent"/>.
/// Poll from one thread; <see cref="Stop"/> and <see cref="Dispose"/> may be called from another
/// (e.g. a SIGINT handler).
/// </summary>
public sealed unsafe class LiveCapture : IDisposable
{
    /// <summary>File name of the BPF object the build places next to this assembly.</summary>
    public const string BpfObjectFileName = "falconet.bpf.o";
    private const string BtfPath = "/sys/kernel/btf/vmlinux";

    private readonly Lock _pollLock = new();
    private readonly Lock _stopLock = new();
    private readonly ScapEvent _event = new();
    private ProbeObject? _probe;
    private nint _ringBuffer;
    private GCHandle _self;
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
        ThrowIfCannotStart(options.BpfObjectPath ?? DefaultBpfObjectPath);
        return Open(CaptureSpec.FromOptions(options, Libbpf.NumPossibleCpus()));
    }

    /// <summary>Loads <paramref name="spec"/>, attaches its programs and opens the ring buffer.</summary>
    public static LiveCapture Open(CaptureSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ThrowIfCannotStart(spec.ObjectPath);
        var capture = new LiveCapture();
        try
        {
            capture.Load(spec);
            return capture;
        }
        catch
        {
            capture.Dispose();
            throw;
        }
    }

    private static void ThrowIfCannotStart(string objectPath)
    {
        if (CheckPrivileges(objectPath) is { } problem)
        {
            throw new LiveCaptureException(problem);
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
            scanStats = new ProcfsScanner().Scan(snapshotSink);
            return capture;
        }
        catch
        {
            capture.Dispose();
            throw;
        }
    }

    private void Load(CaptureSpec spec)
    {
        _probe = ProbeObject.Load(spec);
        _probe.Attach();
        _self = GCHandle.Alloc(this);
        _ringBuffer = Libbpf.RingBufferNew(_probe.MapFd("events"), &OnSample, GCHandle.ToIntPtr(_self), 0);
        if (_ringBuffer == 0)
        {
            throw new LiveCaptureException($"cannot open the ring buffer: {Libbpf.ErrnoText(Marshal.GetLastPInvokeError())}");
        }
        _probe.Enable();
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
        lock (_stopLock)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            _probe?.Detach();
        }
    }

    /// <summary>Kernel counters summed over CPUs plus this reader's counters.</summary>
    public LiveCaptureStats GetStats()
    {
        ProbeStats kernel = _probe?.ReadStats() ?? default;
        return new LiveCaptureStats(Volatile.Read(ref _received), kernel.Produced, kernel.DroppedFull, kernel.DroppedOther, Volatile.Read(ref _decodeErrors));
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

    /// <summary>Stops, frees the ring buffer and closes the BPF object.</summary>
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
            _probe?.Dispose();
            _probe = null;
            if (_self.IsAllocated)
            {
                _self.Free();
            }
        }
    }
}
