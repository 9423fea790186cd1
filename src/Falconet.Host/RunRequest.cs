namespace Falconet.Host;

/// <summary>The main command: replay or live detection, or one of Falco's informational actions.</summary>
public sealed class RunRequest
{
    /// <summary><c>-c</c>: falco.yaml to use instead of the built-in one.</summary>
    public string? ConfigFile { get; init; }
    /// <summary><c>-r</c>: rules files or directories, in load order.</summary>
    public IReadOnlyList<string> RulesPaths { get; init; } = [];
    /// <summary><c>-o key=value</c> configuration overrides, in order.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];
    /// <summary><c>-e</c>: replay this capture instead of capturing live.</summary>
    public string? CaptureFile { get; init; }
    /// <summary><c>-L</c>: describe every rule, macro and list.</summary>
    public bool DescribeAll { get; init; }
    /// <summary><c>-l RULE</c>: describe one rule.</summary>
    public string? DescribeRule { get; init; }
    /// <summary><c>--list</c>: print the supported fields.</summary>
    public bool ListFields { get; init; }
    /// <summary>The event source <c>--list</c> was given, if any.</summary>
    public string? ListFieldsSource { get; init; }
    /// <summary><c>-N</c>: field names only.</summary>
    public bool ListNamesOnly { get; init; }
    /// <summary><c>--markdown</c> or JSON field listing.</summary>
    public string? ListFormat { get; init; }
    /// <summary><c>--list-events</c>.</summary>
    public bool ListEvents { get; init; }
    /// <summary><c>-V</c>: rules files to validate instead of running.</summary>
    public IReadOnlyList<string> ValidatePaths { get; init; } = [];
    /// <summary><c>--dry-run</c>: load everything, then exit.</summary>
    public bool DryRun { get; init; }
    /// <summary><c>-M</c>: stop after this many seconds.</summary>
    public int? DurationSeconds { get; init; }
    /// <summary><c>-U</c>: flush every alert.</summary>
    public bool Unbuffered { get; init; }
    /// <summary>Reload requests (SIGHUP) for the run; null: no reloads.</summary>
    public ReloadTrigger? Reloads { get; init; }
    /// <summary>See <see cref="DetectionRun.AfterSummary"/>: called after the summary while the web server still serves.</summary>
    public Action<Uri?>? AfterSummary { get; init; }
    /// <summary><c>-v</c>: progress and statistics on stderr.</summary>
    public bool Verbose { get; init; }
}
