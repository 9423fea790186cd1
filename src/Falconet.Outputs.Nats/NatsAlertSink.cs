using NATS.Client.Core;

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

/// <summary>
/// <c>nats_output</c>: publishes each alert's message (the JSON object when <c>json_output</c>, else the text line)
/// to one subject. A batch is confirmed with a PING round trip, so "delivered" means the server has the messages.
/// </summary>
public sealed class NatsAlertSink : IBatchedAlertSink
{
    private readonly NatsOutputOptions _options;
    private readonly NatsConnection _connection;

    public NatsAlertSink(NatsOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Subject) || options.Subject.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("nats_output.subject must be a non-empty subject without spaces: '" + options.Subject + "'", nameof(options));
        }
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out Uri? url) || (url.Scheme != "nats" && url.Scheme != "tls"))
        {
            throw new ArgumentException("nats_output.url is not a nats:// or tls:// URL: '" + options.Url + "'", nameof(options));
        }
        _options = options;
        _connection = new NatsConnection(NatsOpts.Default with
        {
            Url = options.Url,
            Name = options.ClientName,
            ConnectTimeout = options.ConnectTimeout,
        });
    }

    public string Name => "nats";

    public async Task EmitBatchAsync(IReadOnlyList<FormattedAlert> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_options.BatchTimeout);
        try
        {
            await _connection.ConnectAsync().AsTask().WaitAsync(limit.Token).ConfigureAwait(false);
            foreach (FormattedAlert alert in batch)
            {
                await _connection.PublishAsync(_options.Subject, alert.Utf8, cancellationToken: limit.Token).ConfigureAwait(false);
            }
            await _connection.PingAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AlertSinkException("no confirmation from " + _options.Url + " within " + _options.BatchTimeout.TotalMilliseconds + " ms", 0, ex);
        }
        catch (NatsException ex)
        {
            // Publishes are buffered by the client, so which ones reached the server is unknown: count none.
            throw new AlertSinkException("cannot publish to " + _options.Url + " subject " + _options.Subject + ": " + ex.Message, 0, ex);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
