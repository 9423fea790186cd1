using Falconet.Core.Alerts;

namespace Falconet.Host.Configuration;

/// <summary>
/// The typed view of the configuration keys the engine itself uses (outputs read theirs from
/// <see cref="Tree"/>). Defaults are Falco's.
/// </summary>
public sealed class FalconetOptions
{
    /// <summary>Reads and checks the keys Falconet uses; a bad value is a <see cref="ConfigException"/> naming the key.</summary>
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
        Dns = new DnsOptions(tree);
        Operations = new OperationsSettings(tree);
        long threadTableSize = tree.GetInt64("falco_libs.thread_table_size", Falconet.State.ThreadTable.DefaultCapacity);
        ThreadTableSize = threadTableSize is >= 1 and <= int.MaxValue
            ? (int)threadTableSize
            : throw new ConfigException($"configuration key falco_libs.thread_table_size: {threadTableSize} must be between 1 and {int.MaxValue}");
        Hostname = Environment.GetEnvironmentVariable("FALCO_HOSTNAME") is { Length: > 0 } h ? h : System.Net.Dns.GetHostName();
    }

    /// <summary>Unknown or ignored keys found while loading, each with where it was set.</summary>
    public IReadOnlyList<string> ConfigWarnings { get; init; } = [];

    /// <summary>The <c>webserver</c> and <c>metrics</c> sections.</summary>
    public OperationsSettings Operations { get; }

    /// <summary><c>falco_libs.thread_table_size</c>: the most threads the state keeps (the oldest are evicted past it).</summary>
    public int ThreadTableSize { get; }

    /// <summary>The <c>dns</c> section and <c>compat</c>.</summary>
    public DnsOptions Dns { get; }

    /// <summary>The whole configuration, for keys read where they are used (outputs, <c>rules:</c> selectors).</summary>
    public ConfigTree Tree { get; }
    /// <summary><c>json_output</c>: alerts as JSON objects instead of text lines.</summary>
    public bool JsonOutput { get; }
    /// <summary><c>json_include_output_property</c>.</summary>
    public bool JsonIncludeOutput { get; }
    /// <summary><c>json_include_message_property</c>.</summary>
    public bool JsonIncludeMessage { get; }
    /// <summary><c>json_include_output_fields_property</c>.</summary>
    public bool JsonIncludeOutputFields { get; }
    /// <summary><c>json_include_tags_property</c>.</summary>
    public bool JsonIncludeTags { get; }
    /// <summary><c>time_format_iso_8601</c>.</summary>
    public bool TimeFormatIso8601 { get; }
    /// <summary><c>buffered_outputs</c>.</summary>
    public bool BufferedOutputs { get; }
    /// <summary><c>priority</c>: rules less severe are not loaded.</summary>
    public Priority MinimumPriority { get; }
    /// <summary><c>rule_matching</c>.</summary>
    public RuleMatching RuleMatching { get; }
    /// <summary><c>rules_files</c> (or the older <c>rules_file</c>), used when no <c>-r</c> is given.</summary>
    public IReadOnlyList<string> RulesFiles { get; }
    /// <summary><c>engine.kind</c>: <c>modern_ebpf</c> (live) or <c>replay</c>.</summary>
    public string EngineKind { get; }
    /// <summary><c>engine.replay.capture_file</c>.</summary>
    public string? ReplayCaptureFile { get; }
    /// <summary><c>outputs_queue.capacity</c>; 0 means unbounded, as in Falco.</summary>
    public long OutputsQueueCapacity { get; }
    /// <summary>The alert hostname: <c>FALCO_HOSTNAME</c> when set, otherwise the machine's name.</summary>
    public string Hostname { get; }
}
