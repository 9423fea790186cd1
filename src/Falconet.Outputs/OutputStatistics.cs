namespace Falconet.Outputs;

/// <summary>A snapshot of the output counters for the end-of-run summary and metrics.</summary>
/// <param name="Enqueued">Alerts accepted into the queue.</param>
/// <param name="QueueDrops">Alerts refused because the queue was full (<c>outputs_queue_num_drops</c>).</param>
/// <param name="DiscardedAtShutdown">Alerts still queued when the shutdown timeout expired, or enqueued after shutdown began.</param>
/// <param name="Sinks">Each sink's delivery counters.</param>
public sealed record OutputStatistics(long Enqueued, long QueueDrops, long DiscardedAtShutdown, IReadOnlyList<SinkStatistics> Sinks);
