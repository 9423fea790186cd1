using Falconet.Core.Alerts;

namespace Falconet.Engine;

public sealed class RuleEngineOptions
{
    public RuleMatching RuleMatching { get; init; } = RuleMatching.First;

    /// <summary>Rules less severe than this are not loaded into the engine (Falco's <c>priority</c> key).</summary>
    public Priority MinimumPriority { get; init; } = Priority.Debug;

    public IReadOnlyList<RuleSelector> Selectors { get; init; } = [];

    /// <summary>The time field Falco merges into <c>output_fields</c>: <c>evt.time</c>, or <c>evt.time.iso8601</c>.</summary>
    public bool TimeFormatIso8601 { get; init; }

    /// <summary>Render <c>output_fields</c> (JSON) for each alert.</summary>
    public bool IncludeOutputFields { get; init; } = true;

    public string Hostname { get; init; } = "";
}
