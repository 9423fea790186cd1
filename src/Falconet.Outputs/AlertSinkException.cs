namespace Falconet.Outputs;

/// <summary>Thrown by a batched sink when some alerts of a batch could not be delivered.</summary>
public sealed class AlertSinkException : Exception
{
    /// <summary>A partial delivery: <paramref name="deliveredCount"/> alerts of the batch got through.</summary>
    public AlertSinkException(string message, int deliveredCount, Exception? innerException = null)
        : base(message, innerException)
    {
        DeliveredCount = deliveredCount;
    }

    /// <summary>A failure with no message.</summary>
    public AlertSinkException()
    {
    }

    /// <summary>A failure where nothing was delivered.</summary>
    public AlertSinkException(string message)
        : base(message)
    {
    }

    /// <summary>A failure where nothing was delivered, with its cause.</summary>
    public AlertSinkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How many alerts of the batch did reach the destination.</summary>
    public int DeliveredCount { get; }
}
