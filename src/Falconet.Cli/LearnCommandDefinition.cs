using System.CommandLine;
using Falconet.Host;
using Falconet.Learn;

namespace Falconet.Cli;

/// <summary>The grammar of <c>falconet learn</c>, bound to <see cref="LearnCommand"/>.</summary>
public static class LearnCommandDefinition
{
    /// <summary>The <c>learn</c> subcommand.</summary>
    public static Command Build(ConsoleStreams console, CancellationToken cancellation)
    {
        var captures = new Option<string[]>("-e") { Description = "Learn from this capture (repeatable) instead of live.", HelpName = "CAPTURE" };
        var duration = new Option<int?>("-M") { Description = "Live: learn for this many seconds (else until SIGINT/SIGTERM).", HelpName = "SECONDS" };
        var scope = new Option<string>("--scope") { Description = "host: append to the allowed_outbound_destination_* lists; container, image or process: exceptions on the flagship rule for that workload.", HelpName = "SCOPE", DefaultValueFactory = _ => "host" };
        scope.AcceptOnlyFromAmong("host", "container", "image", "process");
        var write = new Option<string?>("-w") { Description = "Write the learned rules file here.", HelpName = "FILE" };
        var diff = new Option<string?>("--diff") { Description = "Show what is new compared with an earlier learned file.", HelpName = "OLD.yaml" };
        var check = new Option<string?>("--check") { Description = "Report the connections this allowlist would alert on (after the rules), without alerting; exit 2 if any.", HelpName = "ALLOWLIST.yaml" };
        var rules = new Option<string[]>("-r") { Description = "Rules whose 'outbound' macro and flagship rule learning uses (default: the built-in rules).", HelpName = "FILE|DIR" };
        Option<string?> config = CommonOptions.ConfigFile("Configuration file (falco.yaml keys).");
        Option<string[]> overrides = CommonOptions.Overrides();
        var compat = new Option<string?>("--compat") { Description = "'falco': write only what Falco 0.44 accepts (exact names, no wildcards).", HelpName = "falco" };
        compat.AcceptOnlyFromAmong("falco");
        var minSiblings = new Option<int>("--min-siblings") { Description = "Sibling names (or addresses in one network) needed before generalising to *.parent (or a CIDR).", HelpName = "N", DefaultValueFactory = _ => 3 };
        var ipv4Prefix = new Option<int>("--ipv4-prefix") { Description = "The widest IPv4 network addresses collapse into.", HelpName = "BITS", DefaultValueFactory = _ => 24 };
        var ipv6Prefix = new Option<int>("--ipv6-prefix") { Description = "The widest IPv6 network addresses collapse into.", HelpName = "BITS", DefaultValueFactory = _ => 64 };
        var suffixList = new Option<string>("--public-suffix-list") { Description = "The public-suffix list (Debian package publicsuffix).", HelpName = "FILE", DefaultValueFactory = _ => PublicSuffixList.DefaultPath };
        var top = new Option<int>("--top") { Description = "Destinations listed in the summary table.", HelpName = "N", DefaultValueFactory = _ => 40 };
        var verbose = new Option<bool>("-v") { Description = "Progress on every capture, not only large ones." };

        var learn = new Command("learn", "Build the egress allowlist from observed outbound connections (live or from captures), review it, check traffic against it.");
        CommonOptions.Add(learn, captures, duration, scope, write, diff, check, rules, config, overrides, compat, minSiblings, ipv4Prefix, ipv6Prefix, suffixList, top, verbose);
        learn.SetAction(parse => LearnCommand.Run(new LearnRequest
        {
            Captures = parse.GetValue(captures) ?? [],
            DurationSeconds = parse.GetValue(duration),
            Scope = Enum.Parse<LearnScope>(parse.GetValue(scope) ?? "host", ignoreCase: true),
            WritePath = parse.GetValue(write),
            DiffPath = parse.GetValue(diff),
            CheckPath = parse.GetValue(check),
            RulesPaths = parse.GetValue(rules) ?? [],
            ConfigFile = parse.GetValue(config),
            Overrides = parse.GetValue(overrides) ?? [],
            CompatFalco = parse.GetValue(compat) is not null,
            MinSiblings = parse.GetValue(minSiblings),
            Ipv4Prefix = parse.GetValue(ipv4Prefix),
            Ipv6Prefix = parse.GetValue(ipv6Prefix),
            PublicSuffixPath = parse.GetValue(suffixList) ?? PublicSuffixList.DefaultPath,
            TableRows = parse.GetValue(top),
            Verbose = parse.GetValue(verbose),
        }, console, cancellation));
        return learn;
    }
}
