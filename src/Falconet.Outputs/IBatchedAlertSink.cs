namespace Falconet.Outputs;

/// <summary>
/// A network output (HTTP, NATS). Receives what the worker drained from the queue in one go.
/// A failure throws: <see cref="AlertSinkException"/> to report a partial delivery, anything else fails the batch.
/// </summary>
public interface IBatchedAlertSink : IAsyncDisposable
{
    string Name { get; }

    Task EmitBatchAsync(IReadOnlyList<FormattedAlert> batch, CancellationToken cancellationToken);
}
