namespace Falconet.Outputs;

/// <summary>
/// A batched sink that keeps its own delivery counters because accepting a batch is not delivering it: it buffers
/// alerts and delivers them later (NATS JetStream). The dispatcher reports these counters instead of its own.
/// </summary>
public interface ISelfCountingAlertSink : IBatchedAlertSink
{
    /// <summary>Delivered = confirmed by the destination; Failed = lost (could not be buffered, or lost at shutdown).</summary>
    SinkStatistics GetStatistics();
}
