using Falconet.Core.Alerts;

namespace Falconet.Rules.Loading;

/// <summary>A rule as collected from rules files, after appends and overrides, before compilation.</summary>
public sealed class RuleInfo(string name, LoadContext context)
{
    public string Name { get; } = name;
    public LoadContext Context { get; internal set; } = context;
    public LoadContext ConditionContext { get; internal set; } = context;
    public LoadContext OutputContext { get; internal set; } = context;
    public string Condition { get; internal set; } = "";
    public string Output { get; internal set; } = "";
    public string Description { get; internal set; } = "";
    public Priority Priority { get; internal set; } = Priority.Debug;
    public string Source { get; internal set; } = RuleSources.Syscall;
    public bool Enabled { get; internal set; } = true;
    public bool WarnEventTypes { get; internal set; } = true;
    public bool SkipIfUnknownFilter { get; internal set; }
    public bool Capture { get; internal set; }
    public ulong CaptureDuration { get; internal set; }

    /// <summary>Tags, sorted ordinally (Falco stores them in a std::set).</summary>
    public SortedSet<string> Tags { get; internal set; } = new(StringComparer.Ordinal);

    public List<ExceptionInfo> Exceptions { get; internal set; } = [];
    public bool UnknownSource { get; internal set; }
    public int Index { get; internal set; }
    public int Visibility { get; internal set; }
}
