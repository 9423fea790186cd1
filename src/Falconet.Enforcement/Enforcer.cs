using Falconet.Capture.Bpf.Interop;
using Falconet.Enforcement.Native;

namespace Falconet.Enforcement;

/// <summary>
/// Egress enforcement while it runs: the loaded object attached to the spec's cgroups. Driven from one thread (the
/// Host's event loop): <see cref="Poll"/> hands over the kernel's reports, <see cref="Maintain"/> ages admitted
/// addresses, <see cref="UpdatePolicy"/> swaps the policy without a gap. Disposing detaches the programs unless
/// their links are pinned.
/// </summary>
public sealed class Enforcer : IDisposable
{
    private static readonly TimeSpan s_maintainEvery = TimeSpan.FromSeconds(1);

    private readonly EnforceObject _object;
    private readonly EnforcementSpec _spec;
    private readonly ulong _ownCgroupId;
    private HashSet<ulong> _nameKeys;
    private long _lastMaintainMs;

    private Enforcer(EnforcementSpec spec, EnforceObject obj, ulong ownCgroupId)
    {
        _spec = spec;
        _object = obj;
        _ownCgroupId = ownCgroupId;
        _nameKeys = [.. spec.Tables.Names.Keys];
        Mode = spec.Mode;
        Policy = spec.Policy;
    }

    /// <summary>The mode the kernel runs in now.</summary>
    public EnforcementMode Mode { get; private set; }

    /// <summary>The policy the kernel decides with now.</summary>
    public EgressPolicy Policy { get; private set; }

    /// <summary>The spec it was started from.</summary>
    public EnforcementSpec Spec => _spec;

    /// <summary>Null when enforcement can start here; otherwise one line naming what is missing.</summary>
    public static string? CheckPrerequisites(string objectPath)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "enforcement needs Linux (eBPF cgroup programs)";
        }
        if (Libbpf.GetEuid() != 0)
        {
            return "enforcement needs root (it loads eBPF programs and attaches them to cgroups)";
        }
        if (!File.Exists(objectPath))
        {
            return $"the enforcement object {objectPath} is missing: build src/Falconet.Capture.Bpf with clang-14, bpftool and libbpf-dev installed";
        }
        return null;
    }

    /// <summary>
    /// Loads the spec's object, writes its policy and settings, attaches it to every cgroup (pinning the links when
    /// configured). On failure nothing stays attached.
    /// </summary>
    public static Enforcer Start(EnforcementSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (CheckPrerequisites(spec.ObjectPath) is { } problem)
        {
            throw new EnforcementException(problem);
        }
        ulong ownCgroup = spec.OwnCgroup is { } own ? CgroupV2.Id(own) : 0;
        EnforceObject obj = EnforceObject.Load(spec.ObjectPath);
        try
        {
            obj.WritePolicy(spec.Tables);
            obj.WriteSettings(spec.Settings(spec.Mode, ownCgroup));
            string? pinDirectory = null;
            string[] previousPins = [];
            if (spec.Options.PinLinks)
            {
                pinDirectory = spec.Options.PinDirectory;
                Directory.CreateDirectory(pinDirectory);
                previousPins = Directory.GetFiles(pinDirectory);
            }
            obj.Attach(spec.Cgroups, EnforcementSpec.Programs, pinDirectory);
            // A previous run's pinned links go only once ours are attached: the cgroups are never left open.
            foreach (string pin in previousPins)
            {
                File.Delete(pin);
            }
            return new Enforcer(spec, obj, ownCgroup);
        }
        catch
        {
            obj.Dispose();
            throw;
        }
    }

    /// <summary>Switches the kernel between audit and enforce (or off: every call allowed, nothing counted) at once.</summary>
    public void SetMode(EnforcementMode mode)
    {
        _object.WriteSettings(_spec.Settings(mode, _ownCgroupId));
        Mode = mode;
    }

    /// <summary>
    /// Decides with <paramref name="policy"/> from now on. The new policy is written into the inactive map generation
    /// and switched to with one update, so no decision sees a half-built policy; addresses admitted for names the
    /// new policy no longer allows are withdrawn.
    /// </summary>
    public void UpdatePolicy(EgressPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        PolicyTables tables = PolicyTables.Build(policy);
        _object.WritePolicy(tables);
        _nameKeys = [.. tables.Names.Keys];
        Policy = policy;
        _object.AgeAdmitted(EnforceObject.NowBootNs(), _nameKeys);
    }

    /// <summary>Hands every report waiting in the ring buffer to <paramref name="onReport"/>, without waiting; returns how many.</summary>
    public int Poll(Action<EnforcementReport> onReport)
    {
        ArgumentNullException.ThrowIfNull(onReport);
        IReadOnlyList<EnforcementReport> reports = _object.ConsumeReports();
        foreach (EnforcementReport report in reports)
        {
            onReport(report);
        }
        return reports.Count;
    }

    /// <summary>Ages admitted addresses (expired, or their name withdrawn) at most once a second; returns how many went.</summary>
    public int Maintain()
    {
        long now = Environment.TickCount64;
        if (now - _lastMaintainMs < s_maintainEvery.TotalMilliseconds)
        {
            return 0;
        }
        _lastMaintainMs = now;
        return _object.AgeAdmitted(EnforceObject.NowBootNs(), _nameKeys);
    }

    /// <summary>Drops every admitted address (all cgroups): connections to names need a fresh answer from now on. Returns how many went.</summary>
    public int ForgetAdmitted() => _object.AgeAdmitted(ulong.MaxValue, new HashSet<ulong>());

    /// <summary>The kernel's decision counters (from the driving thread: the read reuses one buffer).</summary>
    public EnforcementCounters ReadCounters() => _object.ReadStats();

    /// <summary>The kernel's run statistics of each program (zero unless kernel.bpf_stats_enabled=1).</summary>
    public IReadOnlyList<ProgramRunStats> ReadProgramStats() => _object.ReadRunStats(EnforcementSpec.Programs);

    /// <summary>Detaches (unless pinned) and unloads.</summary>
    public void Dispose() => _object.Dispose();
}
