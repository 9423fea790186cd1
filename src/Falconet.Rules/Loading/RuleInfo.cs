using Falconet.Core.Alerts;

namespace Falconet.Rules.Loading;

/// <summary>A rule as collected from rules files, after appends and overrides, before compilation.</summary>
public sealed class RuleInfo(string name, LoadContext context)
{
    /// <summary>The rule name.</summary>
    public string Name { get; } = name;
    /// <summary>Where the rule was (last) defined.</summary>
    public LoadContext Context { get; internal set; } = context;
    /// <summary>Where the <c>condition:</c> value starts, so condition errors point inside it.</summary>
    public LoadContext ConditionContext { get; internal set; } = context;
    /// <summary>Where the <c>output:</c> value starts.</summary>
    public LoadContext OutputContext { get; internal set; } = context;
    /// <summary>The condition text, appends joined.</summary>
    public string Condition { get; internal set; } = "";
    /// <summary>The output format, trimmed.</summary>
    public string Output { get; internal set; } = "";
    /// <summary>The <c>desc</c> text.</summary>
    public string Description { get; internal set; } = "";
    /// <summary>The <c>priority</c>.</summary>
    public Priority Priority { get; internal set; } = Priority.Debug;
    /// <summary>The <c>source</c> (<c>syscall</c> when omitted).</summary>
    public string Source { get; internal set; } = RuleSources.Syscall;
    /// <summary>The <c>enabled</c> flag.</summary>
    public bool Enabled { get; internal set; } = true;
    /// <summary>The <c>warn_evttypes</c> flag: warn when the condition matches too many event types.</summary>
    public bool WarnEventTypes { get; internal set; } = true;
    /// <summary>The <c>skip-if-unknown-filter</c> flag: an unknown field skips the rule with a warning.</summary>
    public bool SkipIfUnknownFilter { get; internal set; }
    /// <summary>The <c>capture</c> flag.</summary>
    public bool Capture { get; internal set; }
    /// <summary>The <c>capture_duration</c>.</summary>
    public ulong CaptureDuration { get; internal set; }

    /// <summary>Tags, sorted ordinally (Falco stores them in a std::set).</summary>
    public SortedSet<string> Tags { get; internal set; } = new(StringComparer.Ordinal);

    /// <summary>The <c>exceptions</c>, appends included.</summary>
    public List<ExceptionInfo> Exceptions { get; internal set; } = [];
    /// <summary>Whether the source is not one Falconet knows; such rules are skipped with a warning.</summary>
    public bool UnknownSource { get; internal set; }
    /// <summary>Load-order position of the first definition.</summary>
    public int Index { get; internal set; }
    /// <summary>Load-order position of the last definition or append.</summary>
    public int Visibility { get; internal set; }
}
