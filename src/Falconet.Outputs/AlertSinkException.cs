namespace Falconet.Outputs;

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
