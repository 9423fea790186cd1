using System.Globalization;

namespace Falconet.Host.Configuration;

/// <summary>
/// Which configuration keys exist and what type each takes. Every key of the built-in falconet.yaml is known, with
/// the type of its built-in value (a boolean, an integer, a number, any scalar, a list or a map; a key whose value
/// is empty there takes any value), so a section added to the defaults file is known without touching this class.
/// Falco's documented keys that Falconet does not use are accepted with a warning that they are ignored; any other
/// key gets an "unknown configuration key" warning. A value of the wrong type is an error naming its file and line.
/// </summary>
public sealed class ConfigSchema
{
    /// <summary>
    /// Falco 0.44's documented keys (or whole sections) outside the built-in file: accepted and ignored by Falconet.
    /// A key under one of these sections is covered by it.
    /// </summary>
    private static readonly string[] s_falcoKeys =
    [
        "config_files", "watch_config_files", "append_output", "static_fields", "load_plugins", "plugins", "plugins_hostinfo",
        "buffer_format_base64", "log_stderr", "log_syslog", "log_level", "libs_logger", "syscall_event_timeouts",
        "syscall_event_drops.simulate_drops", "falco_libs", "base_syscalls", "capture", "container_engines",
        "engine.kmod", "engine.ebpf", "engine.gvisor", "engine.modern_ebpf.cpus_for_each_buffer", "engine.modern_ebpf.drop_failed_exit",
        "http_output.mtls", "http_output.client_cert", "http_output.client_key",
        "metrics.output_file", "metrics.rules_counters_enabled", "metrics.resource_utilization_enabled", "metrics.state_counters_enabled",
        "metrics.kernel_event_counters_enabled", "metrics.kernel_event_counters_per_cpu_enabled", "metrics.libbpf_stats_enabled",
        "metrics.plugins_metrics_enabled", "metrics.kernel_iter_event_counters_enabled", "metrics.jemalloc_stats_enabled",
        "metrics.convert_memory_to_mb", "metrics.include_empty_values", "grpc", "grpc_output",
    ];

    private enum Kind { Any, Bool, Integer, Number, Scalar, List, Map, FreeMap }

    private readonly Dictionary<string, Kind> _kinds = new(StringComparer.Ordinal);

    /// <summary>The schema of the built-in configuration.</summary>
    public static ConfigSchema Default { get; } = new(ConfigTree.Parse(EmbeddedDefaults.ConfigYaml, EmbeddedDefaults.ConfigFileName));

    /// <summary>Every key of <paramref name="defaults"/> is known, typed by its value there.</summary>
    public ConfigSchema(ConfigTree defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        foreach ((string path, object? value, _) in defaults.Entries())
        {
            _kinds[path] = value switch
            {
                null => Kind.Any,
                Dictionary<string, object?> { Count: 0 } => Kind.FreeMap,
                Dictionary<string, object?> => Kind.Map,
                List<object?> => Kind.List,
                "true" or "false" => Kind.Bool,
                string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => Kind.Integer,
                string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => Kind.Number,
                _ => Kind.Scalar,
            };
        }
    }

    /// <summary>True when <paramref name="path"/> is a key of the built-in configuration.</summary>
    public bool IsKnown(string path) => _kinds.ContainsKey(path);

    /// <summary>
    /// Checks every key of <paramref name="tree"/>: returns the warnings (unknown keys, Falco keys Falconet ignores),
    /// each with where the key was set; a value of the wrong type is a <see cref="ConfigException"/>.
    /// </summary>
    public IReadOnlyList<string> Check(ConfigTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var warnings = new List<string>();
        var skipped = new List<string>();
        foreach ((string path, object? value, ConfigOrigin? origin) in tree.Entries())
        {
            if (skipped.Any(p => path.StartsWith(p + ".", StringComparison.Ordinal)))
            {
                continue;
            }
            string where = origin?.ToString() ?? "configuration";
            if (!_kinds.TryGetValue(path, out Kind kind))
            {
                skipped.Add(path);
                if (s_falcoKeys.Any(k => path == k || path.StartsWith(k + ".", StringComparison.Ordinal)))
                {
                    warnings.Add($"{where}: configuration key {path} is a Falco key that Falconet does not use; ignored");
                }
                else
                {
                    warnings.Add($"{where}: unknown configuration key {path}; ignored");
                }
                continue;
            }
            if (kind == Kind.FreeMap)
            {
                skipped.Add(path);
            }
            if (value is null || TypeProblem(kind, value) is not string problem)
            {
                continue;
            }
            throw new ConfigException($"{where}: configuration key {path}: {problem}");
        }
        return warnings;
    }

    private static string? TypeProblem(Kind kind, object value) => (kind, value) switch
    {
        (Kind.Any, _) => null,
        (Kind.Map or Kind.FreeMap, Dictionary<string, object?>) => null,
        (Kind.Map or Kind.FreeMap, _) => "expected a mapping",
        (Kind.List, List<object?> or string) => null,
        (Kind.List, _) => "expected a list",
        (_, not string) => "expected a scalar value",
        (Kind.Bool, string s) when s.ToLowerInvariant() is "true" or "false" or "yes" or "no" or "on" or "off" or "1" or "0" => null,
        (Kind.Bool, string s) => $"'{s}' is not a boolean (true/false)",
        (Kind.Integer, string s) when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => null,
        (Kind.Integer, string s) => $"'{s}' is not an integer",
        (Kind.Number, string s) when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => null,
        (Kind.Number, string s) => $"'{s}' is not a number",
        _ => null,
    };
}
