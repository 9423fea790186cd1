namespace Falconet.Operations;

/// <summary>What <c>/healthz</c> answers.</summary>
/// <param name="Healthy">200 when true, 503 otherwise.</param>
/// <param name="Status">A word: <c>ok</c>, <c>starting</c>, <c>stalled</c>, <c>dropping</c>, <c>failed</c>.</param>
/// <param name="Reason">Why it is not healthy, for the operator; null when healthy.</param>
public readonly record struct HealthReport(bool Healthy, string Status, string? Reason);
