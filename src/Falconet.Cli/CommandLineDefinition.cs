using System.CommandLine;
using Falconet.Host;

namespace Falconet.Cli;

/// <summary>The command-line grammar, kept apart from Main so tests can parse without running.</summary>
public static class CommandLineDefinition
{
    private const string BuiltinConfigurationFile = "Configuration file (falco.yaml keys). Default: the built-in configuration.";

    /// <summary>The <c>falconet</c> command line (Falco's options plus <c>inspect</c> and <c>demo</c>) bound to the Host commands.</summary>
    public static RootCommand Build(ConsoleStreams console, CancellationToken cancellation, ReloadTrigger? reloads = null)
    {
        Option<string?> configFile = CommonOptions.ConfigFile(BuiltinConfigurationFile);
        var rules = new Option<string[]>("-r") { Description = "Rules file or directory (*.yaml/*.yml in name order). Repeatable; replaces rules_files. Default: the built-in rules.", HelpName = "FILE|DIR" };
        Option<string[]> options = CommonOptions.Overrides("Override a configuration key: key=value (dotted paths, key[N], key[] to append).");
        var capture = new Option<string?>("-e") { Description = "Replay a .scap capture file (plain or gzip) instead of capturing live.", HelpName = "CAPTURE" };
        var describeAll = new Option<bool>("-L") { Description = "Describe all loaded rules and exit (full JSON with -o json_output=true)." };
        var describeOne = new Option<string?>("-l") { Description = "Describe one rule and exit.", HelpName = "RULE" };
        var listFields = new Option<string?>("--list") { Description = "List the supported fields (optionally of one source: syscall) and exit.", Arity = ArgumentArity.ZeroOrOne, HelpName = "SOURCE" };
        var listNamesOnly = new Option<bool>("-N") { Description = "With --list: names only." };
        var listFormat = new Option<string?>("--format") { Description = "With --list: text, markdown or json.", HelpName = "FORMAT" };
        var listEvents = new Option<bool>("--list-events") { Description = "List the supported event types and exit." };
        var validate = new Option<string[]>("-V", "--validate") { Description = "Validate rules files and exit (JSON with -o json_output=true).", HelpName = "FILE" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Load configuration and rules, open nothing, process no events." };
        var duration = new Option<int?>("-M") { Description = "Stop after this many seconds.", HelpName = "SECONDS" };
        var unbuffered = new Option<bool>("-U", "--unbuffered") { Description = "Flush outputs after every alert." };
        var printVersion = new Option<bool>("--print-version") { Description = "Print versions and exit.", Hidden = true };
        var verbose = new Option<bool>("-v") { Description = "Verbose: progress and statistics on stderr." };
        var compat = new Option<string?>("--compat") { Description = "'falco': only what Falco 0.44 does (fd.*ip.name from a background resolver, no wildcards). Same as -o compat=falco.", HelpName = "falco" };
        compat.AcceptOnlyFromAmong("falco");

        var root = new RootCommand("Falconet: Falco-compatible runtime threat detection. Without -e it captures live with eBPF (root).");
        CommonOptions.Add(root, configFile, rules, options, capture, describeAll, describeOne, listFields, listNamesOnly, listFormat, listEvents, validate, dryRun, duration, unbuffered, printVersion, verbose, compat);
        root.SetAction(parse =>
        {
            var request = new RunRequest
            {
                ConfigFile = parse.GetValue(configFile),
                RulesPaths = parse.GetValue(rules) ?? [],
                Overrides = parse.GetValue(compat) is { } mode ? ["compat=" + mode, .. parse.GetValue(options) ?? []] : parse.GetValue(options) ?? [],
                CaptureFile = parse.GetValue(capture),
                DescribeAll = parse.GetValue(describeAll),
                DescribeRule = parse.GetValue(describeOne),
                ListFields = parse.GetResult(listFields) is not null,
                ListFieldsSource = parse.GetValue(listFields),
                ListNamesOnly = parse.GetValue(listNamesOnly),
                ListFormat = parse.GetValue(listFormat),
                ListEvents = parse.GetValue(listEvents),
                ValidatePaths = parse.GetValue(validate) ?? [],
                DryRun = parse.GetValue(dryRun),
                DurationSeconds = parse.GetValue(duration),
                Unbuffered = parse.GetValue(unbuffered),
                Verbose = parse.GetValue(verbose),
                Reloads = reloads,
            };
            return FalconetCommands.Run(request, console, cancellation);
        });

        var inspectCapture = new Argument<string>("CAPTURE") { Description = "The .scap file (plain or gzip)." };
        var inspectFormat = new Option<string?>("-p", "--print") { Description = "Output format, e.g. '%evt.num %proc.name %fd.name'. As sysdig: an event lacking a field of the format is not printed; with a leading '*' missing values print <NA>.", HelpName = "FORMAT" };
        var inspectJson = new Option<bool>("--json") { Description = "One JSON object per event with the fields of the format." };
        var inspectLimit = new Option<long?>("--limit") { Description = "Stop after this many printed events.", HelpName = "N" };
        var inspectFilter = new Option<string?>("-f", "--filter") { Description = "Only events matching this Falco condition.", HelpName = "CONDITION" };
        var inspectFileNumbers = new Option<bool>("--file-numbers") { Description = "Number events by their position in the file, as sysdig does, instead of as Falco does (Falco leaves the enter events of old captures out)." };
        var inspect = new Command("inspect", "List the events of a capture that Falco would evaluate (exit and meta events), sysdig-style.");
        inspect.Arguments.Add(inspectCapture);
        CommonOptions.Add(inspect, inspectFormat, inspectJson, inspectLimit, inspectFilter, inspectFileNumbers);
        inspect.SetAction(parse => FalconetCommands.Inspect(new InspectRequest
        {
            CapturePath = parse.GetValue(inspectCapture)!,
            Format = parse.GetValue(inspectFormat),
            Json = parse.GetValue(inspectJson),
            Limit = parse.GetValue(inspectLimit),
            Filter = parse.GetValue(inspectFilter),
            FileNumbers = parse.GetValue(inspectFileNumbers),
        }, console, cancellation));
        root.Subcommands.Add(inspect);

        Option<string[]> demoOverrides = CommonOptions.Overrides();
        var demo = new Command("demo", "Write a small sample capture (generated, no privileges needed) and run the built-in rules on it.");
        demo.Options.Add(demoOverrides);
        demo.SetAction(parse => FalconetCommands.Demo(parse.GetValue(demoOverrides) ?? [], console, cancellation));
        root.Subcommands.Add(demo);

        var sampleOut = new Argument<string>("OUTPUT") { Description = "Where to write the sample .scap file." };
        var sample = new Command("sample-capture", "Write the generated sample capture used by 'demo' to a file.");
        sample.Arguments.Add(sampleOut);
        sample.SetAction(parse => FalconetCommands.WriteSampleCapture(parse.GetValue(sampleOut)!, console));
        root.Subcommands.Add(sample);

        root.Subcommands.Add(LearnCommandDefinition.Build(console, cancellation));

        root.Subcommands.Add(BuildCapture(console, cancellation));
        var enforce = new Command("enforce", "Egress enforcement in the kernel (enforcement.mode; docs/prevention.md).");
        var enforceOff = new Command("off", "Kill switch: detach every Falconet enforcement program from every cgroup, pinned or held by a running Falconet.");
        enforceOff.SetAction(parse => EnforceCommand.Off(console));
        enforce.Subcommands.Add(enforceOff);
        root.Subcommands.Add(enforce);

        Option<string?> showConfigFile = CommonOptions.ConfigFile(BuiltinConfigurationFile);
        Option<string[]> showOverrides = CommonOptions.Overrides();
        var show = new Command("show", "Print the effective configuration, each value with where it came from (built-in, file, -o, env).");
        CommonOptions.Add(show, showConfigFile, showOverrides);
        show.SetAction(parse => ConfigShow.Run(parse.GetValue(showConfigFile), parse.GetValue(showOverrides) ?? [], console));
        var config = new Command("config", "Configuration tools.");
        config.Subcommands.Add(show);
        root.Subcommands.Add(config);

        return root;
    }

    /// <summary><c>falconet capture</c>: record live events or re-write a capture into scap files.</summary>
    private static Command BuildCapture(ConsoleStreams console, CancellationToken cancellation)
    {
        var output = new Option<string>("-w") { Description = "The capture file to write (.scap). With -C, the base name of numbered files (trace.scap → trace0.scap, trace1.scap …).", HelpName = "FILE", Required = true };
        var gzip = new Option<bool>("-z") { Description = "gzip-compress the output." };
        var input = new Option<string?>("-e") { Description = "Re-write this capture instead of recording live.", HelpName = "CAPTURE" };
        var seconds = new Option<int?>("-M") { Description = "Stop after this many seconds (live: wall clock; with -e: event time from the first event).", HelpName = "SECONDS" };
        var events = new Option<long?>("-n") { Description = "Stop after writing this many events.", HelpName = "N" };
        var size = new Option<double?>("-S") { Description = "Stop once the files hold this many megabytes (10^6 bytes).", HelpName = "MB" };
        var rotate = new Option<double?>("-C") { Description = "Start a new numbered file whenever the current one reaches this many megabytes.", HelpName = "MB" };
        var keep = new Option<int?>("-W") { Description = "With -C: keep only the newest this many files.", HelpName = "N" };
        var verbose = new Option<bool>("-v") { Description = "Progress every second on stderr." };
        Option<string?> config = CommonOptions.ConfigFile("Configuration file (falco.yaml keys; the ring buffer size applies).");
        Option<string[]> overrides = CommonOptions.Overrides();
        var filter = new Argument<string[]>("FILTER") { Description = "Keep only events matching this Falco condition (the words are joined with spaces).", Arity = ArgumentArity.ZeroOrMore };
        var capture = new Command("capture", "Record live events (root, eBPF) or re-write a capture (-e) into scap files that Falconet, Falco and sysdig read.");
        CommonOptions.Add(capture, output, gzip, input, seconds, events, size, rotate, keep, verbose, config, overrides);
        capture.Arguments.Add(filter);
        capture.SetAction(parse => CaptureCommand.Run(new CaptureRequest
        {
            OutputPath = parse.GetValue(output)!,
            Compress = parse.GetValue(gzip),
            InputCapture = parse.GetValue(input),
            DurationSeconds = parse.GetValue(seconds),
            MaxEvents = parse.GetValue(events),
            MaxSizeMegabytes = parse.GetValue(size),
            RotateMegabytes = parse.GetValue(rotate),
            MaxFiles = parse.GetValue(keep),
            Verbose = parse.GetValue(verbose),
            ConfigFile = parse.GetValue(config),
            Overrides = parse.GetValue(overrides) ?? [],
            Filter = parse.GetValue(filter) is { Length: > 0 } words ? string.Join(' ', words) : null,
        }, console, cancellation));
        return capture;
    }
}
