namespace Falconet.Operations;

/// <summary>
/// What the web server shows of a running detection. Called on the server's threads while the event loop runs:
/// implementations read counters without locks and never wait on the event thread.
/// </summary>
public interface IOperationsView
{
    /// <summary>The answer of <c>/healthz</c>.</summary>
    HealthReport GetHealth();

    /// <summary>Writes every metric family for <c>/metrics</c>.</summary>
    void WriteMetrics(PrometheusTextWriter writer);

    /// <summary>The JSON object of <c>/versions</c>.</summary>
    string GetVersionsJson();
}
