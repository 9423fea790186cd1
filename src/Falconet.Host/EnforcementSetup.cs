using System.Globalization;
using System.Net;
using Falconet.Core.Alerts;
using Falconet.Enforcement;
using Falconet.Host.Configuration;
using Falconet.Outputs;
using Falconet.Rules.Loading;

namespace Falconet.Host;

/// <summary>
/// Live runs with <c>enforcement.mode</c> audit or enforce: the <see cref="Enforcer"/> for the flagship rule's
/// allowlist, its reports turned into alerts of <see cref="RuleName"/>, and its counters for the summary.
/// </summary>
public sealed class EnforcementSetup : IDisposable
{
    /// <summary>The rule name of enforcement alerts.</summary>
    public const string RuleName = "Falconet egress enforcement";

    private readonly Enforcer _enforcer;
    private readonly string _hostname;

    private EnforcementSetup(Enforcer enforcer, string hostname)
    {
        _enforcer = enforcer;
        _hostname = hostname;
    }

    /// <summary>The running enforcer (counters, policy updates).</summary>
    public Enforcer Enforcer => _enforcer;

    /// <summary>
    /// Starts enforcement when the configuration asks for it, or returns null. Warnings (audit-only exceptions,
    /// skipped list items) go to <paramref name="log"/>. Failures are <see cref="UserFacingException"/>s.
    /// </summary>
    public static EnforcementSetup? Start(FalconetOptions options, RuleSet? rules, IReadOnlyList<IPAddress> resolvers, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        EnforcementOptions settings = EnforcementConfig.Read(options.Tree);
        if (settings.Mode == EnforcementMode.Off)
        {
            return null;
        }
        try
        {
            EgressPolicy policy = EgressPolicyBuilder.FromRules(rules ?? RuleSet.Empty, resolvers);
            foreach (string warning in policy.Warnings)
            {
                log.WriteLine("falconet: enforcement: " + warning);
            }
            if (settings.Mode == EnforcementMode.Enforce)
            {
                foreach (string part in policy.AuditOnly)
                {
                    log.WriteLine("falconet: enforcement: " + part + "; in enforce mode what it excepts is blocked");
                }
            }
            string mount = CgroupV2.FindMount();
            EnforcementSpec spec = EnforcementSpec.Create(settings, policy, mount, File.ReadAllText("/proc/self/cgroup"));
            Enforcer enforcer = Enforcer.Start(spec);
            log.WriteLine($"falconet: enforcement {(settings.Mode == EnforcementMode.Enforce ? "enforce" : "audit")} in {string.Join(", ", spec.Cgroups)}: "
                + $"{policy.AllowedAddresses.Count} addresses, {policy.AllowedNetworks.Count} networks, {policy.AllowedDomains.Count} domain patterns allowed");
            return new EnforcementSetup(enforcer, options.Hostname);
        }
        catch (EnforcementException e)
        {
            throw new UserFacingException(e.Message);
        }
    }

    /// <summary>Turns the kernel's waiting reports into alerts and ages admitted addresses; never waits.</summary>
    public void Poll(Action<Alert> onAlert)
    {
        ArgumentNullException.ThrowIfNull(onAlert);
        _enforcer.Poll(report => onAlert(ToAlert(report)));
        _enforcer.Maintain();
    }

    /// <summary>The summary line of the counters.</summary>
    public string SummaryLine()
    {
        EnforcementCounters c = _enforcer.ReadCounters();
        return string.Create(CultureInfo.InvariantCulture,
            $"Enforcement ({_enforcer.Mode.ToString().ToLowerInvariant()}): {c.Allowed} allowed, {c.Denied} denied, {c.Audited} audited, {c.Exempt} exempt; DNS: {c.DnsAnswers} answers, {c.DnsAdmitted} addresses admitted; {c.ReportsDropped} reports dropped");
    }

    /// <summary>The alert of one report.</summary>
    public Alert ToAlert(EnforcementReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        bool denied = report.Verdict == EnforcementMode.Enforce;
        string connection = report.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{report.Address}]:{report.Port}"
            : $"{report.Address}:{report.Port}";
        string message = string.Create(CultureInfo.InvariantCulture,
            $"Egress to a destination outside the allowlist {(denied ? "blocked" : "allowed (audit)")} (verdict={(denied ? "denied" : "audited")} call={report.Call} connection={connection} l4proto={report.Protocol} command={report.Command} pid={report.ProcessId} tid={report.ThreadId} uid={report.UserId} cgroup_id={report.CgroupId})");
        Alert alert = InternalAlerts.Create(report.TimestampNs, denied ? Priority.Warning : Priority.Notice, RuleName, message,
        [
            new("enforcement.verdict", denied ? "denied" : "audited"),
            new("evt.type", report.Call),
            new("fd.sip", report.Address.ToString()),
            new("fd.sport", (long)report.Port),
            new("fd.l4proto", report.Protocol),
            new("proc.name", report.Command),
            new("proc.pid", (long)report.ProcessId),
            new("thread.tid", (long)report.ThreadId),
            new("user.uid", (long)report.UserId),
            new("cgroup.id", report.CgroupId),
        ], _hostname);
        return alert with { Source = "syscall", Tags = ["network", "falconet_enforcement"] };
    }

    /// <summary>
    /// After a rules reload: the enforced policy becomes the new rules' allowlist. A policy that cannot be built or
    /// written is logged and the running one stays in force, as a rejected reload leaves the running rules.
    /// </summary>
    public void UpdatePolicy(RuleSet rules, IReadOnlyList<IPAddress> resolvers, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        try
        {
            _enforcer.UpdatePolicy(EgressPolicyBuilder.FromRules(rules, resolvers));
            log.WriteLine("falconet: enforcement: policy updated from the reloaded rules");
        }
        catch (Exception e) when (e is EnforcementException or InvalidOperationException or IOException or ArgumentException)
        {
            log.WriteLine("falconet: enforcement: the reloaded rules' policy was not applied, the running one stays: " + e.Message);
        }
    }

    /// <summary>Detaches (unless the links are pinned) and unloads.</summary>
    public void Dispose() => _enforcer.Dispose();
}
