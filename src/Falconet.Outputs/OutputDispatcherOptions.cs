namespace Falconet.Outputs;

/// <summary>Queue and worker settings; each maps a falco.yaml key where one exists.</summary>
public sealed record OutputDispatcherOptions
{
    /// <summary><c>outputs_queue.capacity</c> (0 = unbounded, Falco's default).</summary>
    public int QueueCapacity { get; init; }

    /// <summary>
    /// <c>output_timeout</c> (2000 ms): a sink call running longer logs
    /// <c>"&lt;name&gt;" output timeout, all output channels are blocked</c>; alerts are not dropped for it.
    /// Also the default for <see cref="OutputDispatcher.ShutdownAsync"/>.
    /// </summary>
    public TimeSpan OutputTimeout { get; init; } = TimeSpan.FromMilliseconds(2000);

    /// <summary>Most alerts handed to a batched sink at once (Falconet-specific; no falco.yaml key).</summary>
    public int MaxBatchSize { get; init; } = 100;
}
