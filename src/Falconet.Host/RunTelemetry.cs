using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Falconet.Capture.Bpf;
using Falconet.Core.Alerts;
using Falconet.Engine;
using Falconet.Operations;
using Falconet.Outputs;
using Falconet.State;

namespace Falconet.Host;

/// <summary>
/// What a running detection shows operators: the samples behind <c>/metrics</c> and the metrics snapshot alerts,
/// <c>/healthz</c> and <c>/versions</c>. Every value is read without a lock from counters the event thread writes
/// (or the output worker, with interlocked counters), so it may run on any thread at any time.
/// </summary>
internal sealed class RunTelemetry(
    RunCounters counters,
    RulesInUse rules,
    SystemState state,
    OutputDispatcher outputs,
    HealthMonitor health) : IOperationsView
{
    /// <summary>Falconet's version: the informational version of the build.</summary>
    public static string FalconetVersion { get; } =
        typeof(RunTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public HealthMonitor Health => health;

    /// <summary>One sample of a metric family.</summary>
    public readonly record struct Sample(string Family, string Type, string Help, double Value, (string Name, string Value)[] Labels);

    /// <summary>Every sample, families in a fixed order.</summary>
    public List<Sample> Collect()
    {
        var s = new List<Sample>(64);
        void Add(string family, string type, string help, double value, params (string, string)[] labels) =>
            s.Add(new Sample(family, type, help, value, labels));

        Add("falcosecurity_falco_version_info", "gauge", "Falconet's version and the Falco version it is compatible with.", 1,
            ("version", FalconetVersion), ("falco_compatible_version", "0.44.1"), ("engine_version", Rules.Loading.EngineVersion.Current.ToString()));
        RulesInUse.Snapshot current = rules.Current;
        foreach (RulesFileDigest file in current.Files)
        {
            Add("falcosecurity_falco_sha256_rules_files_info", "gauge", "The loaded rules files and the SHA-256 of each.", 1, ("file_name", file.Name), ("sha256", file.Sha256));
        }
        Add("falcosecurity_scap_n_evts_total", "counter", "Events read from the source (capture file or kernel ring buffer).", Volatile.Read(ref counters.EventsRead));
        if (counters.Live)
        {
            LiveCaptureStats k = counters.KernelStats;
            Add("falcosecurity_scap_n_evts_produced_total", "counter", "Events the kernel probe produced.", k.Produced);
            Add("falcosecurity_scap_n_drops_total", "counter", "Events the kernel probe could not deliver, by cause.", k.DroppedRingFull, ("cause", "ring_buffer_full"));
            Add("falcosecurity_scap_n_drops_total", "counter", "", k.DroppedOther, ("cause", "other"));
            Add("falconet_scap_n_decode_errors_total", "counter", "Kernel records that could not be decoded.", k.DecodeErrors);
        }
        Add("falcosecurity_falco_alerts_total", "counter", "Rule alerts raised (the summary's 'Events detected').", Volatile.Read(ref counters.Alerts));
        for (int p = 0; p < counters.AlertsByPriority.Length; p++)
        {
            long n = Volatile.Read(ref counters.AlertsByPriority[p]);
            if (n > 0)
            {
                Add("falcosecurity_falco_alerts_by_priority_total", "counter", "Rule alerts raised, by priority.", n, ("priority", ((Priority)p).ToDisplayName()));
            }
        }
        foreach ((string name, Priority priority, long n) in RulesInUse.MatchesByRule(current))
        {
            Add("falcosecurity_falco_rules_matches_total", "counter", "Alerts raised by each rule (rules replaced by a reload included).", n,
                ("rule_name", name), ("priority", ((int)priority).ToString(System.Globalization.CultureInfo.InvariantCulture)), ("source", "syscall"));
        }
        Add("falconet_rules_enabled", "gauge", "Rules enabled in the running engine.", current.Engine.Rules.Count);
        Add("falconet_rules_load_seconds", "gauge", "How long loading and compiling the running rules took.", current.LoadTime.TotalSeconds);
        Add("falconet_rules_reloads_total", "counter", "Rule sets that took over after a reload.", current.Reloads);
        Add("falconet_rules_reload_failures_total", "counter", "Reloads rejected because the new rules or configuration had errors.", rules.Failures);

        OutputStatistics o = outputs.GetStatistics();
        Add("falcosecurity_falco_outputs_queue_num_drops_total", "counter", "Alerts dropped because the output queue was full.", o.QueueDrops);
        Add("falconet_outputs_queue_depth", "gauge", "Alerts waiting in the output queue.", outputs.QueueDepth);
        Add("falconet_outputs_enqueued_total", "counter", "Alerts accepted into the output queue.", o.Enqueued);
        Add("falconet_outputs_discarded_total", "counter", "Alerts discarded at shutdown.", o.DiscardedAtShutdown);
        foreach (SinkStatistics sink in o.Sinks)
        {
            Add("falconet_output_delivered_total", "counter", "Alerts each output channel delivered.", sink.Delivered, ("channel", sink.Name));
        }
        foreach (SinkStatistics sink in o.Sinks)
        {
            Add("falconet_output_failed_total", "counter", "Alerts each output channel failed to deliver.", sink.Failed, ("channel", sink.Name));
        }

        Add("falconet_state_threads", "gauge", "Threads in the state table.", state.ThreadTable.Count);
        Add("falconet_dns_entries", "gauge", "Address-to-name bindings held by the observed-DNS store.", state.Dns.Entries);
        Add("falconet_dns_evictions_total", "counter", "Bindings evicted because the DNS store was full.", state.Dns.Evictions);
        Add("falconet_dns_expirations_total", "counter", "Bindings dropped when their TTL expired.", state.Dns.Expirations);
        Add("falconet_dns_responses_parsed_total", "counter", "DNS responses parsed from observed traffic.", state.Dns.ResponsesParsed);

        if (counters.Enforcement is { } enforcement)
        {
            (Enforcement.EnforcementMode mode, Enforcement.EnforcementCounters e) = enforcement;
            const string Decisions = "falconet_enforcement_decisions_total";
            const string DecisionsHelp = "Outbound connect()/sendmsg() calls kernel enforcement decided, by verdict (denied: enforce mode, audited: audit mode).";
            Add("falconet_enforcement_mode_info", "gauge", "The kernel enforcement mode in force.", 1, ("mode", mode.ToString().ToLowerInvariant()));
            Add(Decisions, "counter", DecisionsHelp, e.Allowed, ("verdict", "allowed"));
            Add(Decisions, "counter", "", e.Denied, ("verdict", "denied"));
            Add(Decisions, "counter", "", e.Audited, ("verdict", "audited"));
            Add("falconet_enforcement_exempt_total", "counter", "Calls never decided: Falconet itself, loopback, not-outbound networks, DNS to the resolvers.", e.Exempt);
            Add("falconet_enforcement_dns_answers_total", "counter", "DNS answers from a resolver parsed in the kernel.", e.DnsAnswers);
            Add("falconet_enforcement_dns_admitted_total", "counter", "Addresses admitted from answers for allowed names.", e.DnsAdmitted);
            Add("falconet_enforcement_reports_dropped_total", "counter", "Enforcement reports lost because their ring buffer was full (still counted above).", e.ReportsDropped);
        }

        Add("process_resident_memory_bytes", "gauge", "Resident set size of the process.", ResidentBytes());
        Add("dotnet_gc_heap_bytes", "gauge", "Bytes in the managed heap.", GC.GetTotalMemory(false));
        for (int g = 0; g <= GC.MaxGeneration; g++)
        {
            Add("dotnet_gc_collections_total", "counter", "Garbage collections, by generation.", GC.CollectionCount(g), ("generation", g.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        Add("falconet_healthy", "gauge", "1 while /healthz answers 200.", health.Report().Healthy ? 1 : 0);
        return s;
    }

    private static long ResidentBytes()
    {
        using Process self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    public HealthReport GetHealth() => health.Report();

    public void WriteMetrics(PrometheusTextWriter writer)
    {
        string? family = null;
        foreach (Sample sample in Collect())
        {
            if (sample.Family != family)
            {
                writer.Family(sample.Family, sample.Type, sample.Help);
                family = sample.Family;
            }
            writer.Sample(sample.Family, sample.Value, sample.Labels);
        }
    }

    public string GetVersionsJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["falconet_version"] = FalconetVersion,
        ["falco_compatible_version"] = "0.44.1",
        ["engine_version"] = Rules.Loading.EngineVersion.Current.ToString(),
        ["rules_files"] = rules.Current.Files.Select(f => new Dictionary<string, string> { ["name"] = f.Name, ["sha256"] = f.Sha256 }).ToList(),
    });

    /// <summary>The samples as the flat fields of a <c>Falco internal: metrics snapshot</c> alert.</summary>
    public List<KeyValuePair<string, object?>> SnapshotFields()
    {
        var fields = new List<KeyValuePair<string, object?>>();
        foreach (Sample sample in Collect())
        {
            if (sample.Family.EndsWith("_info", StringComparison.Ordinal))
            {
                continue;
            }
            string key = sample.Family;
            foreach ((string _, string value) in sample.Labels)
            {
                key += "." + value;
            }
            fields.Add(new(key, sample.Value == Math.Floor(sample.Value) && Math.Abs(sample.Value) < 1e15 ? (long)sample.Value : sample.Value));
        }
        fields.Add(new("falconet_version", FalconetVersion));
        return fields;
    }
}
