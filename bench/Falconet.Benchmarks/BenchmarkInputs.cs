using Falconet.Rules.Loading;

namespace Falconet.Benchmarks;

/// <summary>A benchmark cannot run because an input is missing; the message says what to do.</summary>
public sealed class BenchmarkInputException(string message) : Exception(message);

/// <summary>
/// Where the benchmarks find their inputs: the big capture (<c>FALCONET_BENCH_CAPTURE</c>), the shared reference
/// data (<c>FALCONET_SHARED</c>, default <c>../shared</c> beside the repository) and the repository's built-in rules.
/// </summary>
public static class BenchmarkInputs
{
    public const string CaptureVariable = "FALCONET_BENCH_CAPTURE";
    public const string SharedVariable = "FALCONET_SHARED";

    /// <summary>
    /// Events every whole-capture benchmark reads: a fixed count, so that BenchmarkDotNet's per-operation figures are
    /// per event (OperationsPerInvoke needs a constant). The capture must hold at least this many events.
    /// </summary>
    public const int EventsPerRun = 1_000_000;

    public const string FlagshipRuleName = "Unexpected outbound connection destination";

    /// <summary>Official rules whose conditions the condition benchmark evaluates besides the flagship.</summary>
    public static IReadOnlyList<string> OfficialRuleNames { get; } =
    [
        "Read sensitive file untrusted",
        "Run shell untrusted",
        "Search Private Keys or Passwords",
        "Disallowed SSH Connection Non Standard Port",
    ];

    public static string HowToMakeCapture =>
        $"Generate one with: python3 {Path.Combine(SharedRoot, "tools", "make-big-capture.py")} /tmp/falconet-big.scap --events 2000000 " +
        $"and pass it as {CaptureVariable}=/tmp/falconet-big.scap (or --capture /tmp/falconet-big.scap). Never commit it.";

    /// <summary>The big capture for the whole-capture benchmarks; throws with instructions when it is not given or absent.</summary>
    public static string CapturePath
    {
        get
        {
            string? path = Environment.GetEnvironmentVariable(CaptureVariable);
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new BenchmarkInputException($"No capture: {CaptureVariable} is not set. {HowToMakeCapture}");
            }
            if (!File.Exists(path))
            {
                throw new BenchmarkInputException($"No capture at {CaptureVariable}={path}. {HowToMakeCapture}");
            }
            return Path.GetFullPath(path);
        }
    }

    private static readonly Lazy<string> s_repositoryRoot = new(FindRepositoryRoot);

    /// <summary>The folder holding Falconet.slnx; only needed when FALCONET_SHARED is unset or for the built-in rules.</summary>
    public static string RepositoryRoot => s_repositoryRoot.Value;

    public static string SharedRoot => Environment.GetEnvironmentVariable(SharedVariable) is { Length: > 0 } shared
        ? Path.GetFullPath(shared)
        : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    public static bool SharedAvailable => Directory.Exists(Path.Combine(SharedRoot, "captures"));

    public static string SharedCapture(string name) => Path.Combine(SharedRoot, "captures", name + ".scap");

    public static string SharedRules(string fileName) => Path.Combine(SharedRoot, "rules", fileName);

    /// <summary>
    /// The rules file that holds the flagship rule: the shared <c>seed_rule.yaml</c> when present, else the built-in
    /// rules of the repository (<c>src/Falconet.Host/Defaults/falconet_rules.yaml</c>).
    /// </summary>
    public static string FlagshipRulesPath
    {
        get
        {
            string seed = SharedRules("seed_rule.yaml");
            return File.Exists(seed) ? seed : Path.Combine(RepositoryRoot, "src", "Falconet.Host", "Defaults", "falconet_rules.yaml");
        }
    }

    /// <summary>The official rules (<c>falco_rules.yaml</c> from the shared data); throws with the path when absent.</summary>
    public static string OfficialRulesPath
    {
        get
        {
            string path = SharedRules("falco_rules.yaml");
            if (!File.Exists(path))
            {
                throw new BenchmarkInputException($"No official rules at {path}; set {SharedVariable} to the shared reference data folder.");
            }
            return path;
        }
    }

    /// <summary>Loads rules files; a failed load is an error naming the first diagnostic.</summary>
    public static RuleSet LoadRules(params string[] paths)
    {
        LoadResult result = RulesLoader.Load(paths);
        if (!result.Success)
        {
            throw new BenchmarkInputException($"Rules did not load: {result.ToText()}");
        }
        return result.RuleSet;
    }

    private static string FindRepositoryRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Falconet.slnx")))
                {
                    return dir.FullName;
                }
            }
        }
        throw new BenchmarkInputException($"Falconet.slnx not found above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}; run from the repository.");
    }
}
