using Falconet.Core.Alerts;

namespace Falconet.Host.Configuration;

/// <summary>
/// The typed view of the configuration keys the engine itself uses (outputs read theirs from
/// <see cref="Tree"/>). Defaults are Falco's.
/// </summary>
public sealed class FalconetOptions
{
    public FalconetOptions(ConfigTree tree)
    {
        Tree = tree;
        JsonOutput = tree.GetBool("json_output", false);
        JsonIncludeOutput = tree.GetBool("json_include_output_property", true);
        JsonIncludeMessage = tree.GetBool("json_include_message_property", false);
        JsonIncludeOutputFields = tree.GetBool("json_include_output_fields_property", true);
        JsonIncludeTags = tree.GetBool("json_include_tags_property", true);
        TimeFormatIso8601 = tree.GetBool("time_format_iso_8601", false);
        BufferedOutputs = tree.GetBool("buffered_outputs", false);

        string priority = tree.GetString("priority", "debug")!;
        if (!PriorityNames.TryParse(priority, out Priority minimum))
        {
            throw new ConfigException($"configuration key priority: '{priority}' is not a priority (emergency, alert, critical, error, warning, notice, info, debug)");
        }
        MinimumPriority = minimum;

        RuleMatching = tree.GetString("rule_matching", "first")!.ToLowerInvariant() switch
        {
            "first" => RuleMatching.First,
            "all" => RuleMatching.All,
            string other => throw new ConfigException($"configuration key rule_matching: '{other}' must be 'first' or 'all'"),
        };

        if (tree.Contains("rules_file") && tree.Contains("rules_files"))
        {
            throw new ConfigException("configuration keys rules_file and rules_files cannot both be set; use rules_files");
        }
        RulesFiles = tree.GetStringList("rules_files") ?? tree.GetStringList("rules_file") ?? [];

        EngineKind = tree.GetString("engine.kind", "modern_ebpf")!;
        ReplayCaptureFile = tree.GetString("engine.replay.capture_file");
        OutputsQueueCapacity = tree.GetInt64("outputs_queue.capacity", 0);
        Hostname = Environment.GetEnvironmentVariable("FALCO_HOSTNAME") is { Length: > 0 } h ? h : System.Net.Dns.GetHostName();
    }

    public ConfigTree Tree { get; }
    public bool JsonOutput { get; }
    public bool JsonIncludeOutput { get; }
    public bool JsonIncludeMessage { get; }
    public bool JsonIncludeOutputFields { get; }
    public bool JsonIncludeTags { get; }
    public bool TimeFormatIso8601 { get; }
    public bool BufferedOutputs { get; }
    public Priority MinimumPriority { get; }
    public RuleMatching RuleMatching { get; }
    public IReadOnlyList<string> RulesFiles { get; }
    public string EngineKind { get; }
    public string? ReplayCaptureFile { get; }
    public long OutputsQueueCapacity { get; }
    public string Hostname { get; }
}
