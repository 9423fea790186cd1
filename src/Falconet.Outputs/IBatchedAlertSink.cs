namespace Falconet.Outputs;

/// <summary>
/// A network output (HTTP, NATS). Receives what the worker drained from the queue in one go.
/// A failure throws: <see cref="AlertSinkException"/> to report a partial delivery, anything else fails the batch.
/// </summary>
public interface IBatchedAlertSink : IAsyncDisposable
{
    /// <summary>The output's name as in falco.yaml, used in logs and counters.</summary>
    string Name { get; }

    /// <summary>Delivers a batch; throws <see cref="AlertSinkException"/> when only part of it got through.</summary>
    Task EmitBatchAsync(IReadOnlyList<FormattedAlert> batch, CancellationToken cancellationToken);
}
