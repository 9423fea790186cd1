using Falconet.Engine;
using Falconet.Fields;
using Falconet.Host.Configuration;
using Falconet.Rules.Loading;

namespace Falconet.Host;

/// <summary>
/// The actions behind the command line, in Falco's order: configuration, informational actions (--list, -V),
/// rules, describe (-L/-l), --dry-run, then event processing from a capture (-e) or live.
/// </summary>
public static class FalconetCommands
{
    /// <summary>The main command: an informational action, validation, replay or live detection; returns the exit code.</summary>
    public static int Run(RunRequest request, ConsoleStreams console, CancellationToken cancellation)
    {
        try
        {
            return RunCore(request, console, cancellation);
        }
        catch (ConfigException e)
        {
            throw new UserFacingException(e.Message);
        }
    }

    /// <summary>Writes the generated sample capture to a temporary file and replays it with the built-in rules.</summary>
    public static int Demo(IReadOnlyList<string> overrides, ConsoleStreams console, CancellationToken cancellation)
    {
        string path = Path.Combine(Path.GetTempPath(), $"falconet-sample-{Environment.ProcessId}.scap");
        try
        {
            SampleCapture.Write(path);
            console.Error.WriteLine($"falconet: replaying a generated sample capture ({path}) with the built-in rules");
            return Run(new RunRequest { CaptureFile = path, Overrides = overrides }, console, cancellation);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary><c>falconet demo</c>'s capture: writes the sample capture and says how to replay it.</summary>
    public static int WriteSampleCapture(string path, ConsoleStreams console)
    {
        try
        {
            SampleCapture.Write(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot write {path}: {e.Message}");
        }
        console.Error.WriteLine($"falconet: wrote the sample capture to {path}");
        return ExitCodes.Success;
    }

    /// <summary><c>falconet inspect</c>.</summary>
    public static int Inspect(InspectRequest request, ConsoleStreams console, CancellationToken cancellation) =>
        InspectCommand.Run(request, console, cancellation);

    private static int RunCore(RunRequest request, ConsoleStreams console, CancellationToken cancellation)
    {
        FalconetOptions options = LoadConfiguration(request.ConfigFile, request.Overrides);
        foreach (string warning in options.ConfigWarnings)
        {
            console.Error.WriteLine("falconet: warning: " + warning);
        }

        if (request.ListFields)
        {
            FieldListing.Write(console.Out, FieldRegistry.Default, request.ListFieldsSource, request.ListNamesOnly, request.ListFormat);
            return ExitCodes.Success;
        }
        if (request.ListEvents)
        {
            FieldListing.WriteEvents(console.Out);
            return ExitCodes.Success;
        }
        if (request.ValidatePaths.Count > 0)
        {
            return Validate(request.ValidatePaths, options, console);
        }

        IReadOnlyList<string> rulesPaths = request.RulesPaths.Count > 0 ? request.RulesPaths : options.RulesFiles;
        long loadStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        LoadResult rules = LoadRules(rulesPaths, LoaderOptions(options), DnsServersOf(options));
        if (!rules.Success)
        {
            console.Error.WriteLine(rules.ToText().TrimEnd());
            return ExitCodes.Failure;
        }
        if (rules.Diagnostics.Any() && !request.DescribeAll && request.DescribeRule is null)
        {
            console.Error.WriteLine(rules.ToText().TrimEnd());
        }

        if (request.DescribeAll || request.DescribeRule is not null)
        {
            var describe = new DescribeWriter(rules.RuleSet);
            if (request.DescribeRule is not null && rules.RuleSet.FindRule(request.DescribeRule) is null)
            {
                throw new UserFacingException($"unable to find a rule named '{request.DescribeRule}'");
            }
            console.Out.WriteLine(options.JsonOutput ? describe.ToJson(request.DescribeRule) : describe.ToText(request.DescribeRule).TrimEnd());
            return ExitCodes.Success;
        }

        RuleEngine engine = BuildEngine(rules, options);
        TimeSpan loadTime = System.Diagnostics.Stopwatch.GetElapsedTime(loadStarted);
        if (request.DryRun)
        {
            console.Error.WriteLine($"falconet: dry run: configuration and {engine.Rules.Count} enabled rules loaded");
            return ExitCodes.Success;
        }

        string? capture = request.CaptureFile
            ?? (options.EngineKind == "replay" ? options.ReplayCaptureFile ?? throw new ConfigException("engine.kind is replay but engine.replay.capture_file is not set") : null);
        DetectionRun? running = null;
        ConfigWatcher? watcher = options.Tree.GetBool("watch_config_files", false) && request.Reloads is not null
            ? new ConfigWatcher(request.ConfigFile, rulesPaths, request.Reloads, console.Error)
            : null;
        using (watcher)
        {
            var run = new DetectionRun(options, engine, console, request.Unbuffered, request.Verbose)
            {
                RulesLoadTime = loadTime,
                RulesFiles = DigestRules(rulesPaths),
                AfterSummary = request.AfterSummary,
                Reloads = request.Reloads,
                Reloader = () => Reload(request, options, running!),
                Rules = rules.RuleSet,
                Resolvers = DnsServersOf(options),
            };
            running = run;
            return capture is not null ? run.Replay(capture, cancellation) : run.Live(request.DurationSeconds, cancellation);
        }
    }

    /// <summary>Configuration keys a reload applies; a change to any other key is reported as needing a restart.</summary>
    private static readonly HashSet<string> s_reloadableKeys = new(StringComparer.Ordinal)
    {
        "rules_files", "rules_file", "rules", "priority", "rule_matching", "time_format_iso_8601",
    };

    /// <summary>
    /// A reload: the configuration and rules loaded again as at start-up, beside the running ones. Rules errors or a
    /// configuration error reject the whole set; keys the running process cannot change are named in the notes.
    /// </summary>
    private static ReloadedRules Reload(RunRequest request, FalconetOptions running, DetectionRun run)
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        FalconetOptions options;
        try
        {
            options = LoadConfiguration(request.ConfigFile, request.Overrides);
        }
        catch (ConfigException e)
        {
            return new ReloadedRules(null, e.Message, TimeSpan.Zero, [], []);
        }
        IReadOnlyList<string> paths = request.RulesPaths.Count > 0 ? request.RulesPaths : options.RulesFiles;
        LoadResult rules = LoadRules(paths, LoaderOptions(options), DnsServersOf(options));
        if (!rules.Success)
        {
            return new ReloadedRules(null, rules.ToText().TrimEnd(), TimeSpan.Zero, [], []);
        }
        RuleEngine engine = BuildEngine(rules, options);
        var notes = new List<string>(options.ConfigWarnings);
        Dictionary<string, string> before = Leaves(running.Tree);
        Dictionary<string, string> after = Leaves(options.Tree);
        foreach (string key in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            if (before.GetValueOrDefault(key) != after.GetValueOrDefault(key) && !s_reloadableKeys.Contains(key.Split('.')[0]))
            {
                notes.Add($"reload: configuration key {key} changed; it takes effect at the next restart");
            }
        }
        if (run.SyscallsMissingFor(engine) is { Count: > 0 } missing)
        {
            notes.Add($"reload: the new rules need system calls the running capture does not deliver ({string.Join(", ", missing)}); they take effect at the next restart");
        }
        return new ReloadedRules(engine, null, System.Diagnostics.Stopwatch.GetElapsedTime(started), DigestRules(paths), notes, rules.RuleSet);
    }

    private static Dictionary<string, string> Leaves(ConfigTree tree) => tree.Entries()
        .Where(e => e.Value is not Dictionary<string, object?>)
        .ToDictionary(e => e.Path, e => System.Text.Json.JsonSerializer.Serialize(e.Value), StringComparer.Ordinal);

    /// <summary>
    /// The built-in rules file, then, when the machine's resolvers are known, a second built-in file that fills the
    /// built-in <c>falconet_dns_servers</c> list with them (lookups to them are not outbound alerts).
    /// </summary>
    private static IEnumerable<(string Name, string Content)> BuiltinRules(IReadOnlyList<System.Net.IPAddress>? dnsServers)
    {
        yield return (EmbeddedDefaults.RulesFileName, EmbeddedDefaults.RulesYaml);
        if (dnsServers is { Count: > 0 })
        {
            string items = string.Join(", ", dnsServers.Select(a => $"'\"{a}\"'"));
            yield return (EmbeddedDefaults.DnsServersFileName,
                $"- list: falconet_dns_servers\n  items: [{items}]\n  override:\n    items: replace\n");
        }
    }

    /// <summary>The resolvers the built-in rules treat as expected DNS destinations: dns.servers, else /etc/resolv.conf's.</summary>
    public static IReadOnlyList<System.Net.IPAddress> DnsServersOf(FalconetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IEnumerable<System.Net.IPEndPoint> servers = options.Dns.Servers ?? (File.Exists(Falconet.Dns.ResolvConf.DefaultPath)
            ? Falconet.Dns.ResolvConf.LoadNameservers()
            : []);
        return [.. servers.Select(e => e.Address).Distinct()];
    }

    /// <summary>The loader's options the configuration implies: under <c>compat: falco</c>, no domain wildcards.</summary>
    public static RulesLoaderOptions LoaderOptions(FalconetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RulesLoaderOptions
        {
            ConditionOptions = new Falconet.Rules.Conditions.ConditionCompilerOptions { DomainWildcards = !options.Dns.CompatFalco },
        };
    }

    /// <summary>
    /// The effective configuration, in Falco's order: falco.yaml (<c>-c</c>, or the built-in one), then each
    /// <c>config_files</c> entry (as the file, or a <c>-o config_files=…</c>, lists them; a directory's *.yaml/*.yml
    /// files in name order) merged with its strategy, then the <c>-o key=value</c> overrides in order. Every key is
    /// checked against <see cref="ConfigSchema"/>: a wrong type is a <see cref="ConfigException"/> with file and line,
    /// unknown keys are warnings in <see cref="FalconetOptions.ConfigWarnings"/>.
    /// </summary>
    public static FalconetOptions LoadConfiguration(string? configFile, IReadOnlyList<string> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        ConfigTree tree = LoadConfigTree(configFile, overrides, out List<string> warnings);
        warnings.AddRange(ConfigSchema.Default.Check(tree));
        return new FalconetOptions(tree) { ConfigWarnings = warnings };
    }

    /// <summary>The merged tree of <see cref="LoadConfiguration"/>, before the schema check.</summary>
    public static ConfigTree LoadConfigTree(string? configFile, IReadOnlyList<string> overrides, out List<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        warnings = [];
        ConfigTree tree = configFile is null
            ? ConfigTree.Parse(EmbeddedDefaults.ConfigYaml, EmbeddedDefaults.ConfigFileName)
            : ConfigTree.LoadFile(configFile);
        // -o config_files=… decides which files are included, so those overrides are applied to a scratch copy first.
        ConfigTree includesFrom = tree;
        List<string> includeOverrides = [.. overrides.Where(o => o.StartsWith("config_files", StringComparison.Ordinal))];
        if (includeOverrides.Count > 0)
        {
            // A fresh parse, not a copy: overrides change lists and maps in place.
            includesFrom = configFile is null
                ? ConfigTree.Parse(EmbeddedDefaults.ConfigYaml, EmbeddedDefaults.ConfigFileName)
                : ConfigTree.LoadFile(configFile);
            foreach (string o in includeOverrides)
            {
                includesFrom.ApplyOverride(o);
            }
        }
        foreach ((string path, ConfigMergeStrategy strategy) in ConfigIncludes(includesFrom))
        {
            foreach (string file in ExpandConfigPath(path, warnings))
            {
                ConfigTree included = ConfigTree.LoadFile(file);
                if (included.Contains("config_files"))
                {
                    warnings.Add($"{included.OriginOf("config_files")}: config_files in an included file is ignored (no nested includes)");
                }
                tree.Merge(included, strategy);
            }
        }
        foreach (string o in overrides)
        {
            tree.ApplyOverride(o);
        }
        return tree;
    }

    private static IEnumerable<(string Path, ConfigMergeStrategy Strategy)> ConfigIncludes(ConfigTree tree)
    {
        object? value = tree.Get("config_files");
        IEnumerable<object?> entries = value switch
        {
            null => [],
            string s => [s],
            List<object?> list => list,
            _ => throw new ConfigException($"{tree.OriginOf("config_files")}: configuration key config_files: expected a list"),
        };
        foreach (object? entry in entries)
        {
            switch (entry)
            {
                case string path:
                    yield return (path, ConfigMergeStrategy.Append);
                    break;
                case Dictionary<string, object?> map when map.GetValueOrDefault("path") is string path:
                    string strategy = map.GetValueOrDefault("strategy") as string ?? "append";
                    yield return (path, strategy switch
                    {
                        "append" => ConfigMergeStrategy.Append,
                        "override" => ConfigMergeStrategy.Override,
                        "add-only" => ConfigMergeStrategy.AddOnly,
                        _ => throw new ConfigException($"{tree.OriginOf("config_files")}: configuration key config_files: strategy '{strategy}' must be append, override or add-only"),
                    });
                    break;
                default:
                    throw new ConfigException($"{tree.OriginOf("config_files")}: configuration key config_files: each entry is a path or {{path, strategy}}");
            }
        }
    }

    /// <summary>A config_files entry: a file, or a directory's *.yaml/*.yml regular files in ordinal name order.</summary>
    private static IEnumerable<string> ExpandConfigPath(string path, List<string> warnings)
    {
        if (Directory.Exists(path))
        {
            return Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        if (File.Exists(path))
        {
            return [path];
        }
        warnings.Add($"config_files entry {path} does not exist; skipped");
        return [];
    }

    /// <summary>
    /// Loads rules files in order; no paths means the built-in rules. The built-in rules can also be named among
    /// the paths as <c>&lt;builtin&gt;</c> (or by their full name, <c>&lt;builtin&gt;/falconet_rules.yaml</c>), so that
    /// local files loaded after them can append to or override them, as Falco users do with falco_rules.local.yaml.
    /// </summary>
    public static LoadResult LoadRules(IReadOnlyList<string> paths, RulesLoaderOptions? loaderOptions = null, IReadOnlyList<System.Net.IPAddress>? dnsServers = null)
    {
        if (paths.Count == 0)
        {
            return RulesLoader.LoadText([.. BuiltinRules(dnsServers)], FieldRegistry.Default, loaderOptions);
        }
        foreach (string p in paths)
        {
            CheckRulesPath(p);
        }
        if (!paths.Any(EmbeddedDefaults.IsBuiltinRulesName))
        {
            return RulesLoader.Load(paths, FieldRegistry.Default, loaderOptions);
        }
        var files = new List<(string Name, string Content)>();
        foreach (string p in paths)
        {
            if (EmbeddedDefaults.IsBuiltinRulesName(p))
            {
                files.AddRange(BuiltinRules(dnsServers));
            }
            else if (Directory.Exists(p))
            {
                // Same order as RulesLoader.Load: the directory's *.yaml/*.yml files by ordinal name.
                foreach (string file in Directory.EnumerateFiles(p)
                    .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal))
                {
                    files.Add((file, ReadRulesFile(file)));
                }
            }
            else
            {
                files.Add((p, ReadRulesFile(p)));
            }
        }
        return RulesLoader.LoadText(files, FieldRegistry.Default, loaderOptions);
    }

    /// <summary>The SHA-256 of each rules file loaded from <paramref name="paths"/> (directories expanded as the loader does).</summary>
    public static IReadOnlyList<RulesFileDigest> DigestRules(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        static string Hex(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var digests = new List<RulesFileDigest>();
        foreach (string p in paths.Count == 0 ? [EmbeddedDefaults.RulesFileName] : paths)
        {
            if (EmbeddedDefaults.IsBuiltinRulesName(p))
            {
                digests.Add(new RulesFileDigest(EmbeddedDefaults.RulesFileName, Hex(System.Text.Encoding.UTF8.GetBytes(EmbeddedDefaults.RulesYaml))));
            }
            else if (Directory.Exists(p))
            {
                foreach (string file in Directory.EnumerateFiles(p)
                    .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal))
                {
                    digests.Add(new RulesFileDigest(file, Hex(File.ReadAllBytes(file))));
                }
            }
            else if (File.Exists(p))
            {
                digests.Add(new RulesFileDigest(p, Hex(File.ReadAllBytes(p))));
            }
        }
        return digests;
    }

    /// <summary>
    /// A rules path must be a regular file or a directory, and a directory's rules files regular files, checked
    /// before anything is opened: opening a FIFO would block until someone writes to it.
    /// </summary>
    private static void CheckRulesPath(string path)
    {
        if (EmbeddedDefaults.IsBuiltinRulesName(path))
        {
            return;
        }
        InputFileKind kind = InputFiles.KindOf(path);
        if (kind == InputFileKind.Missing)
        {
            throw new UserFacingException($"rules file or directory not found: {path}");
        }
        if (InputFiles.Problem(path, kind, "rules file", directoryAllowed: true) is { } problem)
        {
            throw new UserFacingException(problem);
        }
        if (kind == InputFileKind.Directory)
        {
            foreach (string file in Directory.EnumerateFileSystemEntries(path)
                .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)))
            {
                InputFiles.RequireRegular(file, "rules file");
            }
        }
    }

    private static string ReadRulesFile(string path)
    {
        try
        {
            return Falconet.Core.Text.Utf8TextFile.Read(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // InvalidDataException (not UTF-8) is an IOException: its message names the line and column.
            throw new UserFacingException($"cannot read rules file {path}: {e.Message}");
        }
    }

    private static int Validate(IReadOnlyList<string> paths, FalconetOptions options, ConsoleStreams console)
    {
        LoadResult result = LoadRules(paths);
        console.Out.WriteLine(options.JsonOutput ? result.ToJson() : result.ToText().TrimEnd());
        return result.Success ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>The engine for the loaded rules with the configuration's selection and alert settings.</summary>
    public static RuleEngine BuildEngine(LoadResult rules, FalconetOptions options)
    {
        return RuleEngine.Build(rules.RuleSet, new RuleEngineOptions
        {
            RuleMatching = options.RuleMatching == Configuration.RuleMatching.All ? Engine.RuleMatching.All : Engine.RuleMatching.First,
            MinimumPriority = options.MinimumPriority,
            Selectors = ReadSelectors(options.Tree),
            TimeFormatIso8601 = options.TimeFormatIso8601,
            IncludeOutputFields = options.JsonOutput && options.JsonIncludeOutputFields,
            Hostname = options.Hostname,
        });
    }

    /// <summary>falco.yaml <c>rules:</c> entries: <c>- enable: {rule: NAME}</c>, <c>- disable: {tag: TAG}</c>.</summary>
    private static IReadOnlyList<RuleSelector> ReadSelectors(ConfigTree tree)
    {
        var selectors = new List<RuleSelector>();
        foreach (IReadOnlyDictionary<string, object?> entry in tree.GetMapList("rules"))
        {
            foreach ((string action, object? body) in entry)
            {
                if (action is not ("enable" or "disable") || body is not Dictionary<string, object?> target)
                {
                    throw new ConfigException($"configuration key rules: each entry must be 'enable' or 'disable' with 'rule' or 'tag' (got '{action}')");
                }
                string? rule = target.TryGetValue("rule", out object? r) ? r as string : null;
                string? tag = target.TryGetValue("tag", out object? t) ? t as string : null;
                if (rule is null && tag is null)
                {
                    throw new ConfigException($"configuration key rules: '{action}' needs 'rule' or 'tag'");
                }
                selectors.Add(new RuleSelector(action == "enable", rule, tag));
            }
        }
        return selectors;
    }
}
