using Falconet.Core.Alerts;

namespace Falconet.Rules.Loading;

/// <summary>
/// A list as collected from rules files (after appends). <see cref="Index"/> is the position of its first
/// definition in the load order, <see cref="Visibility"/> the position of its last definition or append:
/// a list only sees lists, and a macro only sees macros, whose index is below its visibility.
/// </summary>
public sealed class ListInfo(string name, LoadContext context)
{
    public string Name { get; } = name;
    public List<string> Items { get; } = [];
    public LoadContext Context { get; internal set; } = context;
    public int Index { get; internal set; }
    public int Visibility { get; internal set; }
}

/// <summary>A macro as collected (condition text after appends).</summary>
public sealed class MacroInfo(string name, LoadContext context)
{
    public string Name { get; } = name;
    public string Condition { get; internal set; } = "";
    public LoadContext Context { get; internal set; } = context;
    public LoadContext ConditionContext { get; internal set; } = context;
    public int Index { get; internal set; }
    public int Visibility { get; internal set; }
}

/// <summary>
/// A value of an exception's <c>fields</c>, <c>comps</c> or <c>values</c>: a scalar, or a list of entries
/// (values may nest one level: a value tuple whose slot is itself a list).
/// </summary>
public sealed class ExceptionEntry
{
    public bool IsValid { get; init; }
    public bool IsList { get; init; }
    public string Item { get; init; } = "";
    public List<ExceptionEntry> Items { get; init; } = [];

    public static ExceptionEntry Scalar(string item) => new() { IsValid = true, Item = item };
}

/// <summary>One element of a rule's <c>exceptions</c>.</summary>
public sealed class ExceptionInfo(string name, LoadContext context)
{
    public string Name { get; } = name;
    public LoadContext Context { get; } = context;
    public ExceptionEntry Fields { get; set; } = new();
    public ExceptionEntry Comps { get; set; } = new();
    public List<ExceptionEntry> Values { get; } = [];
}

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

/// <summary>
/// The update an <c>append</c>/<c>override</c> rule item carries: only the keys that were given are set.
/// </summary>
internal sealed class RuleUpdate(string name, LoadContext context)
{
    public string Name { get; } = name;
    public LoadContext Context { get; } = context;
    public LoadContext? ConditionContext { get; set; }
    public string? Condition { get; set; }
    public string? Output { get; set; }
    public string? Description { get; set; }
    public SortedSet<string>? Tags { get; set; }
    public List<ExceptionInfo>? Exceptions { get; set; }
    public Priority? Priority { get; set; }
    public bool? Enabled { get; set; }
    public bool? WarnEventTypes { get; set; }
    public bool? SkipIfUnknownFilter { get; set; }
    public bool? Capture { get; set; }
    public ulong? CaptureDuration { get; set; }

    public bool HasAnyValue => Condition is not null || Output is not null || Description is not null || Tags is not null
        || Exceptions is not null || Priority.HasValue || Enabled.HasValue || WarnEventTypes.HasValue
        || SkipIfUnknownFilter.HasValue || Capture.HasValue || CaptureDuration.HasValue;
}

/// <summary>One <c>required_plugin_versions</c> entry: a plugin and its alternatives, any of which satisfies it.</summary>
public sealed record PluginRequirement(IReadOnlyList<PluginVersionRequirement> Alternatives, LoadContext Context);

/// <summary>A plugin name and the minimum version required.</summary>
public sealed record PluginVersionRequirement(string Name, string Version);

/// <summary>Event sources rules can name.</summary>
public static class RuleSources
{
    public const string Syscall = "syscall";
}
