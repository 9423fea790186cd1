using System.Security.Cryptography;
using Falconet.Core.Alerts;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Falconet.Outputs.Nats;

/// <summary>
/// <c>nats_output</c> with <c>jetstream.enabled</c>: each alert goes into a bounded local buffer, and a background
/// loop publishes the buffer's head into the stream, waits for the server's acknowledgement, and only then moves on.
/// One alert in flight at a time keeps the stream's order equal to the alerts' order across any outage; each alert
/// carries a message id (<c>Nats-Msg-Id</c>) fixed when it was buffered, so a re-send after a lost acknowledgement is
/// dropped by the server's de-duplication. While the server is away the buffer fills; an alert arriving at a full
/// buffer is dropped and counted, so the dropped count is exactly what the stream will miss.
/// </summary>
public sealed class JetStreamAlertSink : ISelfCountingAlertSink
{
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromMilliseconds(100);

    private readonly NatsOutputOptions _options;
    private readonly OutputLogHandler? _log;
    private readonly NatsConnection _connection;
    private readonly NatsJSContext _jetStream;
    private readonly Queue<Pending> _buffer = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _idPrefix;
    private readonly Task _publisher;
    private long _sequence;
    private long _delivered;
    private long _dropped;
    private bool _streamReady;
    private bool _away;
    private bool _overflowing;
    private int _disposed;

    /// <summary>Starts the publishing loop; the connection opens with the first alert.</summary>
    public JetStreamAlertSink(NatsOutputOptions options, OutputLogHandler? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        NatsAlertSink.Validate(options);
        if (string.IsNullOrWhiteSpace(options.Stream) || options.Stream.IndexOfAny([' ', '\t', '.', '*', '>', '/', '\\']) >= 0)
        {
            throw new ArgumentException("nats_output.jetstream.stream must be a name without spaces, dots, '*', '>' or slashes: '" + options.Stream + "'");
        }
        if (options.Storage is not ("file" or "memory"))
        {
            throw new ArgumentException("nats_output.jetstream.storage must be file or memory: '" + options.Storage + "'");
        }
        if (options.Subject.Contains('*', StringComparison.Ordinal) || options.Subject.Contains('>', StringComparison.Ordinal))
        {
            throw new ArgumentException("nats_output.subject is the stream's prefix and cannot hold wildcards: '" + options.Subject + "'");
        }
        Positive(options.BufferSize, "nats_output.jetstream.buffer_size");
        Positive((long)options.AckTimeout.TotalMilliseconds, "nats_output.jetstream.ack_timeout_ms");
        Positive((long)options.DuplicateWindow.TotalMilliseconds, "nats_output.jetstream.duplicate_window_ms");
        Positive((long)options.RetryMax.TotalMilliseconds, "nats_output.jetstream.retry_max_ms");
        _options = options;
        _log = log;
        _connection = new NatsConnection(NatsOpts.Default with
        {
            Url = options.Url,
            Name = options.ClientName,
            ConnectTimeout = options.ConnectTimeout,
            // Reconnect for ever: the buffer, not the client, decides what is given up.
            MaxReconnectRetry = -1,
        });
        _jetStream = new NatsJSContext(_connection);
        // Unique per run and node, so ids of two nodes or two runs never collide inside the duplicate window.
        _idPrefix = Environment.MachineName + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + "-";
        _publisher = Task.Run(PublishLoopAsync);
    }

    /// <inheritdoc />
    public string Name => "nats";

    /// <summary>Alerts waiting in the local buffer for the server.</summary>
    public int Buffered
    {
        get
        {
            lock (_buffer)
            {
                return _buffer.Count;
            }
        }
    }

    /// <summary>Alerts lost: they arrived at a full buffer, or were still buffered when the drain timeout ran out.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Alerts the server acknowledged; a re-sent alert the server recognised as a duplicate counts once.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <inheritdoc />
    public SinkStatistics GetStatistics() => new(Name, Delivered, Dropped);

    /// <summary>Buffers the batch and returns at once; publishing happens on the sink's own loop.</summary>
    public Task EmitBatchAsync(IReadOnlyList<FormattedAlert> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int dropped = 0;
        lock (_buffer)
        {
            foreach (FormattedAlert alert in batch)
            {
                if (_buffer.Count >= _options.BufferSize)
                {
                    dropped++;
                    continue;
                }
                Alert a = alert.Alert;
                _buffer.Enqueue(new Pending(
                    _idPrefix + (++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    JetStreamSubject.For(_options.Subject, a.Priority, a.Rule),
                    alert.Utf8.ToArray()));
            }
        }
        if (dropped > 0)
        {
            Interlocked.Add(ref _dropped, dropped);
            if (!_overflowing)
            {
                _overflowing = true;
                Log(Priority.Error, "nats: local buffer full (" + _options.BufferSize + " alerts, nats_output.jetstream.buffer_size): dropping alerts until the server takes them");
            }
        }
        else
        {
            _overflowing = false;
        }
        _wake.Release();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Publishes what is buffered for up to <see cref="NatsOutputOptions.DrainTimeout"/>, counts what is left as
    /// dropped, and closes the connection.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        DateTime deadline = DateTime.UtcNow + _options.DrainTimeout;
        while (Buffered > 0 && DateTime.UtcNow < deadline && !_publisher.IsCompleted)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _publisher.ConfigureAwait(false);
        int left;
        lock (_buffer)
        {
            left = _buffer.Count;
            _buffer.Clear();
        }
        if (left > 0)
        {
            Interlocked.Add(ref _dropped, left);
            Log(Priority.Error, "nats: " + left + " buffered alerts not acknowledged by " + _options.Url + " within " + _options.DrainTimeout.TotalMilliseconds + " ms of shutdown: dropped");
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _wake.Dispose();
    }

    private async Task PublishLoopAsync()
    {
        CancellationToken stop = _stop.Token;
        TimeSpan retry = s_firstRetry;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                Pending? head;
                lock (_buffer)
                {
                    _buffer.TryPeek(out head);
                }
                if (head is null)
                {
                    await _wake.WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }
                string? error = await TryPublishAsync(head, stop).ConfigureAwait(false);
                if (error is null)
                {
                    lock (_buffer)
                    {
                        _buffer.Dequeue();
                    }
                    Interlocked.Increment(ref _delivered);
                    retry = s_firstRetry;
                    if (_away)
                    {
                        _away = false;
                        Log(Priority.Notice, "nats: " + _options.Url + " acknowledges again; publishing the " + Buffered + " buffered alerts");
                    }
                    continue;
                }
                if (!_away)
                {
                    _away = true;
                    Log(Priority.Error, "nats: " + error + "; buffering alerts (up to " + _options.BufferSize + ") and retrying");
                }
                await Task.Delay(retry, stop).ConfigureAwait(false);
                retry = retry * 2 < _options.RetryMax ? retry * 2 : _options.RetryMax;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutdown: DisposeAsync counts what is still buffered.
        }
    }

    /// <summary>Null when the server acknowledged the alert, else why not.</summary>
    private async Task<string?> TryPublishAsync(Pending pending, CancellationToken stop)
    {
        using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(_options.AckTimeout);
        try
        {
            await _connection.ConnectAsync().AsTask().WaitAsync(limit.Token).ConfigureAwait(false);
            if (!_streamReady && _options.CreateStream)
            {
                await _jetStream.CreateOrUpdateStreamAsync(new StreamConfig(_options.Stream, [_options.Subject + ".>"])
                {
                    Storage = _options.Storage == "memory" ? StreamConfigStorage.Memory : StreamConfigStorage.File,
                    DuplicateWindow = _options.DuplicateWindow,
                }, limit.Token).ConfigureAwait(false);
                _streamReady = true;
            }
            PubAckResponse ack = await _jetStream.PublishAsync(pending.Subject, pending.Payload,
                opts: new NatsJSPubOpts { MsgId = pending.Id, RetryAttempts = 1 }, cancellationToken: limit.Token).ConfigureAwait(false);
            // A duplicate is an earlier attempt of this alert that the server stored though its ack never came back.
            if (!ack.Duplicate)
            {
                ack.EnsureSuccess();
            }
            return null;
        }
        catch (NatsJSDuplicateMessageException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            _streamReady = false;
            return "no acknowledgement from " + _options.Url + " within " + _options.AckTimeout.TotalMilliseconds + " ms";
        }
        catch (NatsException ex)
        {
            // A server restarted with memory storage has lost the stream: create it again on the next attempt.
            _streamReady = false;
            return "cannot publish to stream " + _options.Stream + " at " + _options.Url + ": " + ex.Message;
        }
    }

    private void Log(Priority level, string message) => _log?.Invoke(level, message);

    private static void Positive(long value, string key)
    {
        if (value < 1)
        {
            throw new ArgumentException(key + " must be at least 1: " + value);
        }
    }

    private sealed record Pending(string Id, string Subject, byte[] Payload);
}
