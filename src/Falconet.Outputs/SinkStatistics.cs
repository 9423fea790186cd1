namespace Falconet.Outputs;

/// <summary>Delivery counters of one sink.</summary>
/// <param name="Name">The sink's name in the summary and metrics (stdout, file, http, …).</param>
/// <param name="Delivered">Alerts the sink accepted.</param>
/// <param name="Failed">Alerts the sink failed to deliver (exception, unreachable peer, timeout).</param>
public sealed record SinkStatistics(string Name, long Delivered, long Failed);
