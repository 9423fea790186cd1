using NATS.Client.Core;

namespace Falconet.Outputs.Nats;

/// <summary>
/// <c>nats_output</c>: publishes each alert's message (the JSON object when <c>json_output</c>, else the text line)
/// to one subject. A batch is confirmed with a PING round trip, so "delivered" means the server has the messages.
/// </summary>
public sealed class NatsAlertSink : IBatchedAlertSink
{
    private readonly NatsOutputOptions _options;
    private readonly NatsConnection _connection;

    /// <summary>Connects lazily: the first batch opens the connection.</summary>
    public NatsAlertSink(NatsOutputOptions options)
    {
        Validate(options);
        _options = options;
        _connection = new NatsConnection(NatsOpts.Default with
        {
            Url = options.Url,
            Name = options.ClientName,
            ConnectTimeout = options.ConnectTimeout,
        });
    }

    /// <inheritdoc />
    public string Name => "nats";

    /// <summary>Checks the keys both NATS sinks share: the URL and the subject.</summary>
    internal static void Validate(NatsOutputOptions options)
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
    }

    /// <inheritdoc />
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

    /// <summary>Closes the connection.</summary>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
