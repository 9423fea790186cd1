using System.Numerics;
using Falconet.Capture.Bpf.Native;

namespace Falconet.Capture.Bpf;

/// <summary>
/// Everything a live capture will ask of the kernel, decided before anything is loaded: the object
/// file, the programs to attach, the map sizes, the syscall enable map and the settings. It is built
/// and checked without privileges; <see cref="LiveCapture.Open(CaptureSpec)"/> loads it.
/// </summary>
public sealed class CaptureSpec
{
    /// <summary>Dispatcher on every syscall exit; tail-calls the group programs.</summary>
    public const string SysExitProgram = "falconet_sys_exit";

    /// <summary>Remembers execve filenames at entry; attached only when execve or execveat is enabled.</summary>
    public const string SysEnterProgram = "falconet_sys_enter";

    /// <summary>Emits procexit on sched_process_exit; attached only when procexit is enabled.</summary>
    public const string ProcessExitProgram = "falconet_process_exit";

    /// <summary>Largest snaplen accepted: keeps one payload well inside the probe's 32 KiB record window.</summary>
    public const int MaxSnapLen = 16384;

    /// <summary>Smallest DNS snaplen accepted: a classic UDP DNS message is up to 512 bytes.</summary>
    public const int MinDnsSnapLen = 512;

    /// <summary>Largest DNS snaplen accepted (EDNS answers rarely exceed it; keeps the copy small for the verifier).</summary>
    public const int MaxDnsSnapLen = 4096;

    private const int MinRingBufferBytes = 4096;

    private readonly byte[] _enableMap = new byte[ProbeSyscalls.EnableSlots];
    private readonly LiveCaptureOptions _options;

    // Options are valid here (FromOptions checked them).
    private CaptureSpec(LiveCaptureOptions options, int possibleCpus)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var groups = new HashSet<ProbeGroup>();
        foreach (string name in options.Syscalls ?? LiveSyscalls.All)
        {
            if (!ProbeSyscalls.TryGet(name, out int slot, out ProbeGroup? group))
            {
                throw new LiveCaptureException($"syscall '{name}' is not supported by live capture (supported: {string.Join(", ", LiveSyscalls.All.Order(StringComparer.Ordinal))})");
            }
            _enableMap[slot] = (byte)ProbeMode.All;
            names.Add(name);
            if (group is { } g)
            {
                groups.Add(g);
            }
        }
        var dnsOnly = new SortedSet<string>(StringComparer.Ordinal);
        if (options.ObserveDns)
        {
            foreach (string name in ProbeSyscalls.DnsCapable)
            {
                ProbeSyscalls.TryGet(name, out int slot, out ProbeGroup? group);
                if (_enableMap[slot] == (byte)ProbeMode.Off)
                {
                    _enableMap[slot] = (byte)ProbeMode.DnsOnly;
                    dnsOnly.Add(name);
                    groups.Add(group!.Value);
                }
            }
        }
        Syscalls = [.. names];
        DnsOnlySyscalls = [.. dnsOnly];
        Groups = groups;

        var programs = new List<string> { SysExitProgram };
        if (IsEnabled("execve") || IsEnabled("execveat"))
        {
            programs.Add(SysEnterProgram);
        }
        if (IsEnabled(LiveSyscalls.ProcessExit))
        {
            programs.Add(ProcessExitProgram);
        }
        Programs = programs;

        PossibleCpus = possibleCpus;
        MapSizes = [new("scratch", (uint)possibleCpus), new("events", (uint)options.RingBufferBytes)];
        _options = options;
    }

    /// <summary>Path of the BPF object file.</summary>
    public string ObjectPath => _options.BpfObjectPath ?? LiveCapture.DefaultBpfObjectPath;

    /// <summary>The syscalls emitted on every call, sorted.</summary>
    public IReadOnlyList<string> Syscalls { get; }

    /// <summary>The syscalls emitted only on DNS sockets (port 53 at either end), sorted; empty unless <see cref="ObserveDns"/>.</summary>
    public IReadOnlyList<string> DnsOnlySyscalls { get; }

    /// <summary>The programs to attach, in attach order (group programs are reached by tail call, never attached).</summary>
    public IReadOnlyList<string> Programs { get; }

    /// <summary>CPUs the kernel may run the probe on: per-CPU maps have this many values.</summary>
    public int PossibleCpus { get; }

    /// <summary>Maps sized before load.</summary>
    public IReadOnlyList<CaptureMapSize> MapSizes { get; }

    /// <summary>Bytes of send/recv payload copied into the data parameter.</summary>
    public uint SnapLen => (uint)_options.SnapLen;

    /// <summary>Whether receives on DNS sockets are emitted with <see cref="DnsSnapLen"/> bytes of payload,
    /// and the DNS-capable receives not in <see cref="Syscalls"/> run as <see cref="DnsOnlySyscalls"/>.</summary>
    public bool ObserveDns => _options.ObserveDns;

    /// <summary>Bytes of payload copied from receives on DNS sockets (when larger than <see cref="SnapLen"/>).</summary>
    public uint DnsSnapLen => (uint)_options.DnsSnapLen;

    /// <summary>Records per CPU between forced consumer wake-ups (at least 1).</summary>
    public uint WakeupEvery => (uint)Math.Max(1, _options.WakeupEvery);

    /// <summary>The process whose events the probe drops (0 = none).</summary>
    public uint IgnoreTgid => _options.IgnoreOwnProcess ? (uint)Environment.ProcessId : 0;

    /// <summary>The tail-call groups the enabled syscalls reach.</summary>
    internal IReadOnlySet<ProbeGroup> Groups { get; }

    /// <summary>Value of each slot of the probe's syscall enable map (a <see cref="ProbeMode"/>).</summary>
    internal ReadOnlySpan<byte> EnableMap => _enableMap;

    /// <summary>
    /// The spec for <paramref name="options"/> on a machine with <paramref name="possibleCpus"/> possible CPUs
    /// (the per-CPU scratch map has one entry each). Throws <see cref="LiveCaptureException"/> for options the probe cannot honour.
    /// </summary>
    public static CaptureSpec FromOptions(LiveCaptureOptions options, int possibleCpus)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (possibleCpus <= 0)
        {
            throw new LiveCaptureException($"cannot count the possible CPUs: error {possibleCpus}");
        }
        if (options.RingBufferBytes < MinRingBufferBytes || !BitOperations.IsPow2(options.RingBufferBytes))
        {
            throw new LiveCaptureException($"ring buffer size {options.RingBufferBytes} must be a power of two of at least {MinRingBufferBytes} bytes");
        }
        if (options.SnapLen is < 0 or > MaxSnapLen)
        {
            throw new LiveCaptureException($"snaplen {options.SnapLen} must be between 0 and {MaxSnapLen}");
        }
        if (options.DnsSnapLen is < MinDnsSnapLen or > MaxDnsSnapLen)
        {
            throw new LiveCaptureException($"DNS snaplen {options.DnsSnapLen} must be between {MinDnsSnapLen} and {MaxDnsSnapLen}");
        }
        return new CaptureSpec(options, possibleCpus);
    }

    /// <summary>True when the probe will emit <paramref name="syscall"/>, on every call or on DNS sockets only.</summary>
    public bool IsEnabled(string syscall) => Mode(syscall) != ProbeMode.Off;

    /// <summary>How the probe emits <paramref name="syscall"/> (off for a name it does not know).</summary>
    internal ProbeMode Mode(string syscall) =>
        ProbeSyscalls.TryGet(syscall, out int slot, out _) ? (ProbeMode)_enableMap[slot] : ProbeMode.Off;

    /// <summary>The settings map value: <paramref name="bootToEpochNs"/> turns boot-clock times into Unix-epoch ones.</summary>
    internal ProbeSettings Settings(ulong bootToEpochNs, bool enabled) => new()
    {
        BootToEpochNs = bootToEpochNs,
        Snaplen = SnapLen,
        DnsSnaplen = ObserveDns ? DnsSnapLen : 0,
        WakeupEvery = WakeupEvery,
        IgnoreTgid = IgnoreTgid,
        CaptureEnabled = enabled ? 1u : 0u,
    };
}
