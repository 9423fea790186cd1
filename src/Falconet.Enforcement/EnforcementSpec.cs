using Falconet.Enforcement.Native;

namespace Falconet.Enforcement;

/// <summary>
/// Everything enforcement will ask of the kernel, decided before anything is loaded: the object, the programs, the
/// cgroups to attach to, the settings and the policy tables. Built and checked without privileges;
/// <see cref="Enforcer.Start"/> loads it.
/// </summary>
public sealed class EnforcementSpec
{
    /// <summary>File name of the enforcement object next to the assembly.</summary>
    public const string ObjectFileName = "enforce.bpf.o";

    /// <summary>The programs, each attached to every cgroup, in attach order.</summary>
    public static IReadOnlyList<string> Programs { get; } =
        ["fnet_dns_ingress", "fnet_connect4", "fnet_connect6", "fnet_sendmsg4", "fnet_sendmsg6"];

    /// <summary>The prefix of every enforcement program's name: the kill switch detaches cgroup links of programs so named.</summary>
    public const string ProgramPrefix = "fnet_";

    private EnforcementSpec(EnforcementOptions options, EgressPolicy policy, IReadOnlyList<string> cgroups, string mount, string? ownCgroup)
    {
        Options = options;
        Policy = policy;
        Cgroups = cgroups;
        CgroupMount = mount;
        OwnCgroup = ownCgroup;
        Tables = PolicyTables.Build(policy);
    }

    /// <summary>The options this spec was made from.</summary>
    public EnforcementOptions Options { get; }

    /// <summary>The policy the kernel starts with.</summary>
    public EgressPolicy Policy { get; }

    /// <summary>Audit or enforce.</summary>
    public EnforcementMode Mode => Options.Mode;

    /// <summary>Path of the BPF object.</summary>
    public string ObjectPath => Options.ObjectPath ?? DefaultObjectPath;

    /// <summary>enforce.bpf.o next to this assembly (the build copies it there).</summary>
    public static string DefaultObjectPath =>
        Path.Combine(Path.GetDirectoryName(typeof(EnforcementSpec).Assembly.Location) ?? AppContext.BaseDirectory, ObjectFileName);

    /// <summary>The cgroup v2 directories the programs attach to (full paths).</summary>
    public IReadOnlyList<string> Cgroups { get; }

    /// <summary>The cgroup v2 mount they are under.</summary>
    public string CgroupMount { get; }

    /// <summary>
    /// Falconet's own cgroup, never decided; null when it is the root of the hierarchy or one of <see cref="Cgroups"/>
    /// (exempting it would exempt the workloads): then only Falconet's process is exempt.
    /// </summary>
    public string? OwnCgroup { get; }

    /// <summary>The process never decided.</summary>
    public int OwnProcessId => Options.OwnProcessId != 0 ? Options.OwnProcessId : Environment.ProcessId;

    internal PolicyTables Tables { get; }

    /// <summary>
    /// The spec for <paramref name="options"/> and <paramref name="policy"/>, the cgroup v2 hierarchy mounted at
    /// <paramref name="mount"/> and this process in <paramref name="procSelfCgroup"/> (the text of /proc/self/cgroup).
    /// Throws <see cref="EnforcementException"/> for a mode of off, a cgroup that is not a cgroup v2 directory under the
    /// mount, or a policy too large for the maps.
    /// </summary>
    public static EnforcementSpec Create(EnforcementOptions options, EgressPolicy policy, string mount, string procSelfCgroup)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(mount);
        if (options.Mode == EnforcementMode.Off)
        {
            throw new EnforcementException("enforcement.mode is off: nothing to load");
        }
        if (options.DnsMinTtl < TimeSpan.Zero || options.DnsMaxTtl < options.DnsMinTtl)
        {
            throw new EnforcementException($"enforcement DNS admission: the shortest ({options.DnsMinTtl}) must be at least 0 and at most the longest ({options.DnsMaxTtl})");
        }
        var cgroups = new List<string>();
        foreach (string cgroup in options.Cgroups is { Count: > 0 } c ? c : [mount])
        {
            string full = Path.IsPathRooted(cgroup) ? Path.GetFullPath(cgroup) : Path.GetFullPath(Path.Join(mount, cgroup));
            if (!CgroupV2.IsCgroupDirectory(mount, full))
            {
                throw new EnforcementException($"enforcement.cgroups: '{cgroup}' is not a cgroup v2 directory under {mount}");
            }
            if (!cgroups.Contains(full))
            {
                cgroups.Add(full);
            }
        }
        string? own = CgroupV2.OwnCgroup(mount, procSelfCgroup);
        if (own is not null && (Path.GetFullPath(own).TrimEnd('/') == Path.GetFullPath(mount).TrimEnd('/') || cgroups.Contains(Path.GetFullPath(own))))
        {
            own = null;
        }
        return new EnforcementSpec(options, policy, cgroups, mount, own);
    }

    /// <summary>The settings map value; <paramref name="ownCgroupId"/> is the id of <see cref="OwnCgroup"/> (0: none).</summary>
    internal EnforceSettings Settings(EnforcementMode mode, ulong ownCgroupId) => new()
    {
        Mode = (uint)(mode switch
        {
            EnforcementMode.Audit => KernelMode.Audit,
            EnforcementMode.Enforce => KernelMode.Enforce,
            _ => KernelMode.Off,
        }),
        OwnTgid = (uint)OwnProcessId,
        OwnCgroup = ownCgroupId,
        DnsMinTtlNs = (ulong)Options.DnsMinTtl.Ticks * 100,
        DnsMaxTtlNs = (ulong)Options.DnsMaxTtl.Ticks * 100,
        ReportIntervalNs = (ulong)Options.ReportInterval.Ticks * 100,
    };
}
