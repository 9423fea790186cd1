using System.Globalization;
using Falconet.Capture.Bpf;
using Falconet.Core.Events;
using Falconet.Dns;
using Falconet.Engine;
using Falconet.Fields;
using Falconet.Host;
using Falconet.Host.Configuration;
using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.Learn;

/// <summary>
/// <c>falconet learn</c>: observes outbound connections (the loaded rules' <c>outbound</c> macro) live or in
/// captures, and writes the allowlist that would have allowed them; <c>--diff</c> compares it with an earlier one,
/// <c>--check</c> replays traffic against an allowlist and reports what would alert, without alerting.
/// </summary>
public static class LearnCommand
{
    /// <summary>Exit code of <c>--check</c> when some connection would alert.</summary>
    public const int WouldAlert = 2;

    private const string OutboundMacro = "outbound";
    private const long ProgressThresholdBytes = 8 * 1024 * 1024;

    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(LearnRequest request, ConsoleStreams console, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(console);
        try
        {
            return RunCore(request, console, cancellation);
        }
        catch (ConfigException e)
        {
            throw new UserFacingException(e.Message);
        }
    }

    private static void CheckArguments(LearnRequest request)
    {
        if (request.CheckPath is null && request.WritePath is null && request.DiffPath is null)
        {
            throw new UserFacingException("learn: say where to write the allowlist (-w FILE), or give --diff OLD.yaml or --check ALLOWLIST.yaml");
        }
        if (request.CheckPath is not null && (request.WritePath is not null || request.DiffPath is not null))
        {
            throw new UserFacingException("learn: --check reports what would alert and writes nothing: it does not go with -w or --diff");
        }
        if (request.Captures.Count > 0 && request.DurationSeconds is not null)
        {
            throw new UserFacingException("learn: -M is for live learning; -e captures are read to their end");
        }
        if (request.DurationSeconds is <= 0)
        {
            throw new UserFacingException("learn: -M must be a positive number of seconds");
        }
        if (request.MinSiblings < 2)
        {
            throw new UserFacingException($"learn: --min-siblings {request.MinSiblings} must be at least 2");
        }
        if (request.Ipv4Prefix is < 8 or > 32)
        {
            throw new UserFacingException($"learn: --ipv4-prefix {request.Ipv4Prefix} must be between 8 and 32");
        }
        if (request.Ipv6Prefix is < 16 or > 128)
        {
            throw new UserFacingException($"learn: --ipv6-prefix {request.Ipv6Prefix} must be between 16 and 128");
        }
        foreach (string? path in (string?[])[request.CheckPath, request.DiffPath])
        {
            if (path is not null && !File.Exists(path))
            {
                throw new UserFacingException($"learn: file not found: {path}");
            }
        }
    }

    private static int RunCore(LearnRequest request, ConsoleStreams console, CancellationToken cancellation)
    {
        CheckArguments(request);
        bool check = request.CheckPath is not null;
        // Read before any capture: a missing list must fail at once, not after an hour of learning.
        PublicSuffixList? suffixes = check ? null : PublicSuffixList.Load(request.PublicSuffixPath);
        FalconetOptions options = FalconetCommands.LoadConfiguration(request.ConfigFile, request.Overrides);
        RulesLoaderOptions loaderOptions = FalconetCommands.LoaderOptions(options);
        IReadOnlyList<string> paths = request.RulesPaths.Count > 0 ? request.RulesPaths : options.RulesFiles;
        if (check)
        {
            paths = [.. paths.Count > 0 ? paths : ["<builtin>"], request.CheckPath!];
        }
        LoadResult rules = FalconetCommands.LoadRules(paths, loaderOptions, FalconetCommands.DnsServersOf(options));
        if (!rules.Success)
        {
            console.Error.WriteLine(rules.ToText().TrimEnd());
            return ExitCodes.Failure;
        }
        CompiledMacro macro = rules.RuleSet.Macros.FirstOrDefault(m => m.Name == OutboundMacro)
            ?? throw new UserFacingException($"learn: the loaded rules define no '{OutboundMacro}' macro: learn mode observes the connections it matches (load the built-in rules, or rules that define it)");
        CompiledCondition outbound = new ConditionCompiler(FieldRegistry.Default, loaderOptions.ConditionOptions).Compile(macro.Condition);
        CompiledCondition? flagship = rules.RuleSet.FindRule(AllowlistWriter.FlagshipRule)?.CompiledCondition;
        if (check && flagship is null)
        {
            throw new UserFacingException($"learn --check: the loaded rules have no '{AllowlistWriter.FlagshipRule}' rule to check against");
        }
        var observer = new ConnectionObserver(outbound, flagship, check ? LearnScope.Host : request.Scope);
        // Names come from the workload's own answers: learning starts no resolver, whatever dns.mode says.
        var storeOptions = new DnsStoreOptions { MaxEntries = options.Dns.MaxEntries, Mode = DnsMode.Observed };
        string source;
        if (request.Captures.Count > 0)
        {
            foreach (string capture in request.Captures)
            {
                LearnFromCapture(capture, storeOptions, observer, console, request.Verbose, cancellation);
            }
            source = string.Join(' ', request.Captures.Select(Path.GetFileName));
        }
        else
        {
            LearnLive(rules, options, outbound, storeOptions, observer, request.DurationSeconds, console, cancellation);
            source = "live capture on " + Environment.MachineName;
        }

        if (check)
        {
            return ReportCheck(observer, request, console);
        }
        var generalizer = new Generalizer(suffixes!, request.MinSiblings, request.Ipv4Prefix, request.Ipv6Prefix, wildcards: !request.CompatFalco);
        List<LearnedEntry> entries = generalizer.Generalize(observer.Destinations);
        int allowed = observer.Destinations.Count(d => d.AlreadyAllowed);
        if (request.DiffPath is not null)
        {
            WriteDiff(request.DiffPath, entries, console.Out);
        }
        if (request.WritePath is not null)
        {
            string text = AllowlistWriter.Write(entries, Header(request, source, observer, allowed), out int skipped);
            WriteFile(request.WritePath, text);
            if (skipped > 0)
            {
                console.Error.WriteLine($"falconet: learn: {skipped} entries left out: their names or values hold characters a rules file cannot quote");
            }
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"falconet: learn: wrote {request.WritePath}: {entries.Count - skipped} entries ({Count(entries, EntryKind.Domain)} domains of which {entries.Count(e => e.Kind == EntryKind.Domain && e.Value.StartsWith('*'))} wildcards, {Count(entries, EntryKind.Address)} addresses, {Count(entries, EntryKind.Network)} networks) for {observer.Destinations.Count - allowed} destinations; {allowed} already allowed"));
        }
        if (request.DiffPath is null)
        {
            SummaryTable.Write(console.Out, observer.Destinations, request.TableRows, "DECISION");
        }
        return ExitCodes.Success;
    }

    private static int Count(List<LearnedEntry> entries, EntryKind kind) => entries.Count(e => e.Kind == kind);

    private static List<string> Header(LearnRequest request, string source, ConnectionObserver observer, int allowed)
    {
        ulong first = observer.Destinations.Count == 0 ? 0 : observer.Destinations.Min(d => d.FirstNs);
        ulong last = observer.Destinations.Count == 0 ? 0 : observer.Destinations.Max(d => d.LastNs);
        string scope = request.Scope.ToString().ToLowerInvariant();
        return
        [
            $"Learned by 'falconet learn' (scope {scope}) from {source}.",
            observer.Destinations.Count == 0
                ? "No outbound connections were observed."
                : string.Create(CultureInfo.InvariantCulture, $"{observer.Connections} outbound connections to {observer.Destinations.Count} destinations, {AllowlistWriter.Time(first)} to {AllowlistWriter.Time(last)}; {allowed} already allowed by the loaded rules and left out."),
            request.CompatFalco
                ? "Names are exact (--compat falco: no wildcards)."
                : string.Create(CultureInfo.InvariantCulture, $"Sibling names become *.parent at {request.MinSiblings} names, never at or above a public suffix."),
            string.Create(CultureInfo.InvariantCulture, $"Addresses without a name collapse at {request.MinSiblings} per network into at most /{request.Ipv4Prefix} (IPv4) and /{request.Ipv6Prefix} (IPv6)."),
            "Review, then enforce: falconet -r '<builtin>' -r THIS_FILE (validate: falconet -V '<builtin>' -V THIS_FILE).",
        ];
    }

    private static void WriteFile(string path, string text)
    {
        try
        {
            string full = Path.GetFullPath(path);
            string temporary = full + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            File.WriteAllText(temporary, text);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"learn: cannot write {path}: {e.Message}");
        }
    }

    private static void LearnFromCapture(string path, DnsStoreOptions storeOptions, ConnectionObserver observer, ConsoleStreams console, bool verbose,
        CancellationToken cancellation)
    {
        using ScapReader reader = InspectCommand.OpenCapture(path);
        var state = new SystemState(storeOptions);
        var evt = new ScapEvent();
        var progress = new ProgressReporter(console.Error, "learn " + Path.GetFileName(path), reader.Length > ProgressThresholdBytes || verbose);
        try
        {
            reader.ReadHeader(state);
            while (!cancellation.IsCancellationRequested && reader.TryReadEvent(evt))
            {
                progress.Report(evt.Number, reader.Progress);
                if (state.Process(evt))
                {
                    observer.Observe(state.Context);
                }
            }
        }
        catch (ScapFormatException e)
        {
            throw new UserFacingException(e.Message);
        }
        finally
        {
            progress.Done();
        }
    }

    private static void LearnLive(LoadResult rules, FalconetOptions options, CompiledCondition outbound, DnsStoreOptions storeOptions,
        ConnectionObserver observer, int? durationSeconds, ConsoleStreams console, CancellationToken cancellation)
    {
        if (LiveCapture.CheckPrivileges() is string problem)
        {
            throw new UserFacingException(problem);
        }
        RuleEngine engine = FalconetCommands.BuildEngine(rules, options);
        var syscalls = new HashSet<string>(DetectionRun.SyscallsFor(engine), StringComparer.Ordinal);
        if (!outbound.EventTypes.IsComplement)
        {
            syscalls.UnionWith(outbound.EventTypes.Names.Where(LiveSyscalls.IsSupported));
        }
        var state = new SystemState(storeOptions);
        using CancellationTokenSource stop = LiveCaptureStart.StopSource(durationSeconds, cancellation);
        LiveCapture capture = LiveCaptureStart.Open(options, syscalls, state, observeDns: true);
        using (capture)
        {
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"falconet: learn: live capture of {syscalls.Count} system calls; learning {(durationSeconds is int s ? $"for {s} s" : "until SIGINT/SIGTERM")}"));
            Action<ScapEvent> consumer = evt =>
            {
                if (state.Process(evt))
                {
                    observer.Observe(state.Context);
                }
            };
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    capture.Poll(consumer, TimeSpan.FromMilliseconds(100));
                }
                capture.Stop();
                capture.Poll(consumer, TimeSpan.Zero);
            }
            catch (LiveCaptureException e)
            {
                throw new UserFacingException("live capture failed: " + e.Message);
            }
            LiveCaptureStats stats = capture.GetStats();
            if (stats.Dropped > 0)
            {
                console.Error.WriteLine($"falconet: learn: {stats.Dropped} kernel events were dropped: connections among them are not in the allowlist");
            }
        }
    }

    private static int ReportCheck(ConnectionObserver observer, LearnRequest request, ConsoleStreams console)
    {
        foreach (ObservedDestination d in observer.Destinations)
        {
            d.Decision = d.AlreadyAllowed ? "allowed" : d.Alerting == d.Count ? "would alert" : $"{d.Alerting} of {d.Count} would alert";
        }
        SummaryTable.Write(console.Out, observer.Destinations, request.TableRows, "VERDICT");
        ObservedDestination[] alerting = [.. observer.Destinations.Where(d => !d.AlreadyAllowed)];
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{alerting.Sum(d => d.Alerting)} of {observer.Connections} outbound connections ({alerting.Length} of {observer.Destinations.Count} destinations) would alert ('{AllowlistWriter.FlagshipRule}')"));
        return alerting.Length > 0 ? WouldAlert : ExitCodes.Success;
    }

    private static void WriteDiff(string oldPath, List<LearnedEntry> entries, TextWriter output)
    {
        IReadOnlyList<string> oldKeys = AllowlistReader.ReadKeys(oldPath);
        var old = new HashSet<string>(oldKeys, StringComparer.OrdinalIgnoreCase);
        DomainPattern[] oldDomains = [.. oldKeys
            .Where(k => k.StartsWith(LearnedEntry.DomainsList + ": ", StringComparison.Ordinal))
            .Select(k => DomainPattern.TryParse(k[(LearnedEntry.DomainsList.Length + 2)..], out DomainPattern? p, out _) ? p : null)
            .OfType<DomainPattern>()];
        System.Net.IPNetwork[] oldNetworks = [.. oldKeys
            .Where(k => k.StartsWith(LearnedEntry.NetworksList + ": ", StringComparison.Ordinal) || k.StartsWith(LearnedEntry.AddressesList + ": ", StringComparison.Ordinal))
            .Select(k => k[(k.IndexOf(": ", StringComparison.Ordinal) + 2)..])
            .Select(v => System.Net.IPNetwork.TryParse(v.Contains('/', StringComparison.Ordinal) ? v : v + (v.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"), out System.Net.IPNetwork n) ? (System.Net.IPNetwork?)n : null)
            .OfType<System.Net.IPNetwork>()];
        int added = 0;
        int same = 0;
        int covered = 0;
        var current = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (LearnedEntry entry in entries)
        {
            string key = entry.DiffKey;
            current.Add(key);
            if (old.Contains(key))
            {
                same++;
            }
            else if (entry.Port is null && IsCovered(entry, oldDomains, oldNetworks))
            {
                covered++;
            }
            else
            {
                added++;
                output.WriteLine($"+ {key}    # {AllowlistWriter.Describe(entry)}");
            }
        }
        int gone = 0;
        foreach (string key in oldKeys.Where(k => !current.Contains(k)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            gone++;
            output.WriteLine($"- {key}    # in {Path.GetFileName(oldPath)}, not learned this time");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{added} new, {same} unchanged, {covered} covered by {Path.GetFileName(oldPath)}'s wildcards or networks, {gone} not learned this time"));
    }

    private static bool IsCovered(LearnedEntry entry, DomainPattern[] domains, System.Net.IPNetwork[] networks)
    {
        if (entry.Kind == EntryKind.Domain)
        {
            return !entry.Value.StartsWith('*') && domains.Any(p => p.Matches(entry.Value));
        }
        return System.Net.IPNetwork.TryParse(entry.Kind == EntryKind.Network ? entry.Value : entry.Value + (entry.Value.Contains(':', StringComparison.Ordinal) ? "/128" : "/32"), out System.Net.IPNetwork mine)
            && networks.Any(n => n.BaseAddress.AddressFamily == mine.BaseAddress.AddressFamily && n.PrefixLength <= mine.PrefixLength && n.Contains(mine.BaseAddress));
    }
}
