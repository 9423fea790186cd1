using Falconet.Core.Alerts;

namespace Falconet.Engine;

/// <summary>Which rules the engine runs and what goes into their alerts (falco.yaml settings).</summary>
public sealed class RuleEngineOptions
{
    /// <summary>First match or every match (<c>rule_matching</c>).</summary>
    public RuleMatching RuleMatching { get; init; } = RuleMatching.First;

    /// <summary>Rules less severe than this are not loaded into the engine (Falco's <c>priority</c> key).</summary>
    public Priority MinimumPriority { get; init; } = Priority.Debug;

    /// <summary>falco.yaml <c>rules:</c> enable/disable entries, applied in order after the rules files.</summary>
    public IReadOnlyList<RuleSelector> Selectors { get; init; } = [];

    /// <summary>The time field Falco merges into <c>output_fields</c>: <c>evt.time</c>, or <c>evt.time.iso8601</c>.</summary>
    public bool TimeFormatIso8601 { get; init; }

    /// <summary>Render <c>output_fields</c> (JSON) for each alert.</summary>
    public bool IncludeOutputFields { get; init; } = true;

    /// <summary>The <c>hostname</c> every alert carries.</summary>
    public string Hostname { get; init; } = "";
}
