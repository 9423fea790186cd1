namespace Falconet.Outputs;

/// <summary>Delivery counters of one sink.</summary>
/// <param name="Delivered">Alerts the sink accepted.</param>
/// <param name="Failed">Alerts the sink failed to deliver (exception, unreachable peer, timeout).</param>
public sealed record SinkStatistics(string Name, long Delivered, long Failed);

/// <summary>A snapshot of the output counters for the end-of-run summary and metrics.</summary>
/// <param name="Enqueued">Alerts accepted into the queue.</param>
/// <param name="QueueDrops">Alerts refused because the queue was full (<c>outputs_queue_num_drops</c>).</param>
/// <param name="DiscardedAtShutdown">Alerts still queued when the shutdown timeout expired, or enqueued after shutdown began.</param>
public sealed record OutputStatistics(long Enqueued, long QueueDrops, long DiscardedAtShutdown, IReadOnlyList<SinkStatistics> Sinks);

/// <summary>Receives the output layer's own log lines; the level is a syslog severity as Falco's logger uses.</summary>
public delegate void OutputLogHandler(Falconet.Core.Alerts.Priority level, string message);
