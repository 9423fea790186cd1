using Falconet.Capture.Bpf;
using Falconet.Capture.Bpf.ProcSnapshot;
using Falconet.Host.Configuration;
using Falconet.State;

namespace Falconet.Host;

/// <summary>
/// How every live command (detection, learning) starts the kernel capture: the same ring buffer size, the own process
/// left out, the /proc snapshot loaded into the state, and a capture that cannot start reported in one line.
/// </summary>
public static class LiveCaptureStart
{
    /// <summary>Cancelled with <paramref name="cancellation"/> or, with <c>-M</c>, after <paramref name="durationSeconds"/>.</summary>
    public static CancellationTokenSource StopSource(int? durationSeconds, CancellationToken cancellation)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        if (durationSeconds is int seconds)
        {
            stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        }
        return stop;
    }

    /// <summary>
    /// Attaches the probe for <paramref name="syscalls"/> and loads the /proc snapshot into <paramref name="state"/>;
    /// <paramref name="observeDns"/> also captures receives on port-53 sockets, whose answers feed <c>fd.*ip.name</c>.
    /// Throws <see cref="UserFacingException"/> when the capture cannot start.
    /// </summary>
    public static LiveCapture Open(FalconetOptions options, IReadOnlyCollection<string> syscalls, SystemState state, bool observeDns)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return LiveCapture.OpenWithSnapshot(new LiveCaptureOptions
            {
                Syscalls = syscalls,
                RingBufferBytes = RingBufferBytes(options),
                IgnoreOwnProcess = true,
                ObserveDns = observeDns,
            }, state, out ProcScanStats _);
        }
        catch (LiveCaptureException e)
        {
            throw new UserFacingException(e.Message);
        }
    }

    /// <summary>falco.yaml's engine.modern_ebpf.buf_size_preset: 4 = 8 MiB per Falco's table (1 → 1 MiB … 7 → 64 MiB).</summary>
    internal static int RingBufferBytes(FalconetOptions options)
    {
        long preset = options.Tree.GetInt64("engine.modern_ebpf.buf_size_preset", 4);
        if (preset is < 1 or > 10)
        {
            throw new ConfigException($"configuration key engine.modern_ebpf.buf_size_preset: {preset} must be between 1 and 10");
        }
        return 1 << (int)(19 + preset); // 1 → 1 MiB, 4 → 8 MiB, 10 → 512 MiB
    }
}
