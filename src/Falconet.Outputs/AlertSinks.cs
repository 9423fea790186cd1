namespace Falconet.Outputs;

/// <summary>
/// A local output (stdout, file, syslog, program). Called on the output worker only, one alert at a time.
/// Exceptions are caught by the dispatcher, counted as a failed delivery for this sink and logged.
/// </summary>
public interface IAlertSink : IDisposable
{
    /// <summary>The output's name as in falco.yaml (<c>stdout</c>, <c>file</c>, ...), used in logs and counters.</summary>
    string Name { get; }

    void Emit(FormattedAlert alert);

    /// <summary>Pushes out anything buffered (<c>buffered_outputs: true</c>); called at shutdown.</summary>
    void Flush();

    /// <summary>Closes files/programs so the next alert reopens them (Falco does this on SIGUSR1).</summary>
    void Reopen();
}

/// <summary>
/// A network output (HTTP, NATS). Receives what the worker drained from the queue in one go.
/// A failure throws: <see cref="AlertSinkException"/> to report a partial delivery, anything else fails the batch.
/// </summary>
public interface IBatchedAlertSink : IAsyncDisposable
{
    string Name { get; }

    Task EmitBatchAsync(IReadOnlyList<FormattedAlert> batch, CancellationToken cancellationToken);
}

/// <summary>Thrown by a batched sink when some alerts of a batch could not be delivered.</summary>
public sealed class AlertSinkException : Exception
{
    public AlertSinkException(string message, int deliveredCount, Exception? innerException = null)
        : base(message, innerException)
    {
        DeliveredCount = deliveredCount;
    }

    public AlertSinkException()
    {
    }

    public AlertSinkException(string message)
        : base(message)
    {
    }

    public AlertSinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How many alerts of the batch did reach the destination.</summary>
    public int DeliveredCount { get; }
}
