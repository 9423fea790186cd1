namespace Falconet.Enforcement;

/// <summary>The <c>enforcement</c> section, parsed: what to load and where to attach it.</summary>
public sealed class EnforcementOptions
{
    /// <summary>Where pinned links live when <see cref="PinLinks"/> is on (bpffs).</summary>
    public const string DefaultPinDirectory = "/sys/fs/bpf/falconet-enforce";

    /// <summary>Off, audit or enforce.</summary>
    public EnforcementMode Mode { get; init; }

    /// <summary>The cgroup v2 directories to attach to; null or empty: the cgroup v2 root (the whole host).</summary>
    public IReadOnlyList<string>? Cgroups { get; init; }

    /// <summary>
    /// Pin the links in <see cref="PinDirectory"/> so enforcement outlives Falconet (fail-closed on its death, with
    /// the last policy). Off by default: the links go with the process and a dead Falconet blocks nothing.
    /// </summary>
    public bool PinLinks { get; init; }

    /// <summary>The bpffs directory for pinned links.</summary>
    public string PinDirectory { get; init; } = DefaultPinDirectory;

    /// <summary>Shortest admission of an allowed name's address (an answer with TTL 0 still admits the connect that follows it).</summary>
    public TimeSpan DnsMinTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest admission of an allowed name's address, whatever the answer's TTL.</summary>
    public TimeSpan DnsMaxTtl { get; init; } = TimeSpan.FromDays(1);

    /// <summary>At most one report per cgroup, destination and hook in this interval (the counters count every call).</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The BPF object; null: enforce.bpf.o next to the assembly.</summary>
    public string? ObjectPath { get; init; }

    /// <summary>Falconet's own process, never decided; 0: this process.</summary>
    public int OwnProcessId { get; init; }
}
