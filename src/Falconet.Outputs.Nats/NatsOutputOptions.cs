namespace Falconet.Outputs.Nats;

/// <summary>
/// The <c>nats_output</c> keys. Falco has no NATS output (falcosidekick forwards there); these keys are Falconet's,
/// named in the same style as the other outputs.
/// </summary>
public sealed record NatsOutputOptions
{
    /// <summary><c>nats_output.url</c> (<c>nats://127.0.0.1:4222</c>).</summary>
    public string Url { get; init; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// <c>nats_output.subject</c> (<c>falco.alerts</c>): one fixed subject, so a single subscription sees every alert;
    /// consumers route on the JSON's priority/rule/tags.
    /// </summary>
    public string Subject { get; init; } = "falco.alerts";

    /// <summary><c>nats_output.connect_timeout</c> (2 s): how long one connection attempt may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long one batch may take, connection and confirmation included (not a Falco key). A server that is down
    /// therefore fails the batch instead of stalling every other output.
    /// </summary>
    public TimeSpan BatchTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The client name shown by the server (<c>nats-server</c> connz).</summary>
    public string ClientName { get; init; } = "falconet";

    /// <summary>
    /// <c>nats_output.jetstream.enabled</c> (false): publish into a JetStream stream with acknowledgements and
    /// message ids (<see cref="JetStreamAlertSink"/>) instead of fire-and-forget core NATS.
    /// </summary>
    public bool JetStream { get; init; }

    /// <summary><c>nats_output.jetstream.stream</c> (<c>FALCONET</c>): the stream holding <c>&lt;subject&gt;.&gt;</c>.</summary>
    public string Stream { get; init; } = "FALCONET";

    /// <summary>
    /// <c>nats_output.jetstream.create_stream</c> (true): create the stream (or update its subjects) when it is missing;
    /// false leaves it to the operator, and alerts stay buffered until it exists.
    /// </summary>
    public bool CreateStream { get; init; } = true;

    /// <summary><c>nats_output.jetstream.storage</c> (<c>file</c>): the created stream's storage, <c>file</c> or <c>memory</c>.</summary>
    public string Storage { get; init; } = "file";

    /// <summary>
    /// <c>nats_output.jetstream.duplicate_window_ms</c> (120000): how long the server remembers message ids to drop a
    /// re-sent alert. It must exceed the longest time one alert may be re-sent after a lost acknowledgement.
    /// </summary>
    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary><c>nats_output.jetstream.ack_timeout_ms</c> (2000): how long one publish waits for the server's ack before it is retried.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <c>nats_output.jetstream.buffer_size</c> (10000): alerts held in memory while the server is away; an alert
    /// arriving at a full buffer is dropped and counted.
    /// </summary>
    public int BufferSize { get; init; } = 10_000;

    /// <summary><c>nats_output.jetstream.retry_max_ms</c> (5000): the longest wait between two attempts while the server is away (the wait doubles from 100 ms).</summary>
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>nats_output.jetstream.drain_timeout_ms</c> (5000): at shutdown, how long buffered alerts may still be
    /// published; what remains after it is lost and counted as dropped.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
