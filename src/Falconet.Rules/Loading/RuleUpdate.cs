using Falconet.Core.Alerts;

namespace Falconet.Rules.Loading;

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
