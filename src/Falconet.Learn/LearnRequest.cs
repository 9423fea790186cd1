namespace Falconet.Learn;

/// <summary>The options of <c>falconet learn</c>.</summary>
public sealed class LearnRequest
{
    /// <summary><c>-e</c>: captures to learn from (or, with <see cref="CheckPath"/>, to check); none means live.</summary>
    public IReadOnlyList<string> Captures { get; init; } = [];
    /// <summary><c>-M</c>: live learning stops after this many seconds (else at SIGINT/SIGTERM).</summary>
    public int? DurationSeconds { get; init; }
    /// <summary><c>--scope</c>: what the learned destinations are allowed for.</summary>
    public LearnScope Scope { get; init; } = LearnScope.Host;
    /// <summary><c>-w</c>: where to write the learned rules file.</summary>
    public string? WritePath { get; init; }
    /// <summary><c>--diff</c>: an earlier learned file to compare the new entries with.</summary>
    public string? DiffPath { get; init; }
    /// <summary><c>--check</c>: an allowlist to check the traffic against, instead of learning.</summary>
    public string? CheckPath { get; init; }
    /// <summary><c>-r</c>: the rules whose <c>outbound</c> macro and flagship rule learning uses; default the built-in rules.</summary>
    public IReadOnlyList<string> RulesPaths { get; init; } = [];
    /// <summary><c>-c</c>: falco.yaml to use instead of the built-in one.</summary>
    public string? ConfigFile { get; init; }
    /// <summary><c>-o key=value</c> configuration overrides.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];
    /// <summary><c>--compat falco</c>: write only what Falco 0.44 accepts (no wildcards).</summary>
    public bool CompatFalco { get; init; }
    /// <summary><c>--min-siblings</c>: sibling names (or addresses in one network) needed before generalising.</summary>
    public int MinSiblings { get; init; } = 3;
    /// <summary><c>--ipv4-prefix</c>: the widest IPv4 network addresses collapse into.</summary>
    public int Ipv4Prefix { get; init; } = 24;
    /// <summary><c>--ipv6-prefix</c>: the widest IPv6 network addresses collapse into.</summary>
    public int Ipv6Prefix { get; init; } = 64;
    /// <summary><c>--public-suffix-list</c>: the public-suffix list file.</summary>
    public string PublicSuffixPath { get; init; } = PublicSuffixList.DefaultPath;
    /// <summary><c>--top</c>: how many destinations the summary table lists.</summary>
    public int TableRows { get; init; } = 40;
    /// <summary><c>-v</c>: progress on every capture, not only large ones.</summary>
    public bool Verbose { get; init; }
}
