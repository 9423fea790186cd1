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
}
