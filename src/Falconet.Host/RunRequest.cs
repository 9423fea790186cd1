namespace Falconet.Host;

/// <summary>The main command: replay or live detection, or one of Falco's informational actions.</summary>
public sealed class RunRequest
{
    public string? ConfigFile { get; init; }
    public IReadOnlyList<string> RulesPaths { get; init; } = [];
    public IReadOnlyList<string> Overrides { get; init; } = [];
    public string? CaptureFile { get; init; }
    public bool DescribeAll { get; init; }
    public string? DescribeRule { get; init; }
    public bool ListFields { get; init; }
    public string? ListFieldsSource { get; init; }
    public bool ListNamesOnly { get; init; }
    public string? ListFormat { get; init; }
    public bool ListEvents { get; init; }
    public IReadOnlyList<string> ValidatePaths { get; init; } = [];
    public bool DryRun { get; init; }
    public int? DurationSeconds { get; init; }
    public bool Unbuffered { get; init; }
    public bool Verbose { get; init; }
}
