using System.Diagnostics;
using System.Threading.Channels;
using Falconet.Core.Alerts;

namespace Falconet.Outputs;

/// <summary>
/// The one bounded queue between the event thread and the outputs. <see cref="TryEnqueue"/> never blocks: when the
/// queue is full the new alert is dropped and counted (Falco's <c>outputs_queue_num_drops</c>). One worker formats
/// each alert once and hands it to every sink in turn; a failing sink is counted and logged, never stops the others.
/// </summary>
public sealed class OutputDispatcher : IAsyncDisposable
{
    /// <summary>Falco's log line when the queue is full and an alert is dropped.</summary>
    public const string QueueFullMessage = "Outputs queue out of memory. Drop event and continue on ...";
    /// <summary>Falco's log line when the shutdown timeout leaves alerts undelivered.</summary>
    public const string ShutdownDiscardMessage = "output channels still blocked, discarding all remaining notifications";

    private readonly Channel<QueueItem> _channel;
    private readonly AlertFormatter _formatter;
    private readonly IAlertSink[] _sinks;
    private readonly IBatchedAlertSink[] _batchedSinks;
    private readonly SinkCounters[] _sinkCounters;
    private readonly SinkCounters[] _batchedCounters;
    private readonly OutputDispatcherOptions _options;
    private readonly OutputLogHandler? _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Timer _watchdog;
    private readonly Task _worker;
    private long _enqueued;
    private long _queueDrops;
    private long _discarded;
    private int _shutdownStarted;
    // Watchdog state: which sink the worker is inside and since when (Stopwatch ticks; 0 = idle).
    private string? _currentSink;
    private long _currentCallStarted;
    private int _currentCallReported;

    /// <summary>Starts the worker; sinks are owned by the dispatcher from now on and disposed with it.</summary>
    public OutputDispatcher(
        AlertFormatter formatter,
        IEnumerable<IAlertSink> sinks,
        IEnumerable<IBatchedAlertSink> batchedSinks,
        OutputDispatcherOptions? options = null,
        OutputLogHandler? log = null)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(batchedSinks);
        _formatter = formatter;
        _options = options ?? new OutputDispatcherOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(_options.QueueCapacity);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatchSize, 1);
        _log = log;
        _sinks = [.. sinks];
        _batchedSinks = [.. batchedSinks];
        _sinkCounters = [.. _sinks.Select(s => new SinkCounters(s.Name))];
        _batchedCounters = [.. _batchedSinks.Select(s => new SinkCounters(s.Name))];
        _channel = _options.QueueCapacity == 0
            ? Channel.CreateUnbounded<QueueItem>(new UnboundedChannelOptions { SingleReader = true })
            // Wait mode + TryWrite: a full queue makes TryWrite return false at once, so the drop can be counted.
            : Channel.CreateBounded<QueueItem>(new BoundedChannelOptions(_options.QueueCapacity)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
        TimeSpan tick = _options.OutputTimeout / 4 > TimeSpan.FromMilliseconds(1) ? _options.OutputTimeout / 4 : TimeSpan.FromMilliseconds(1);
        _watchdog = new Timer(static state => ((OutputDispatcher)state!).CheckWatchdog(), this, tick, tick);
        _worker = Task.Run(RunWorkerAsync);
    }

    /// <summary>Queues an alert for every sink. Never blocks; false when the queue is full (the alert is dropped and counted).</summary>
    public bool TryEnqueue(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (_channel.Writer.TryWrite(new QueueItem(alert, ControlKind.None)))
        {
            Interlocked.Increment(ref _enqueued);
            return true;
        }
        if (Volatile.Read(ref _shutdownStarted) != 0)
        {
            // Not a full queue: the outputs are closing, so this is not reported as outputs_queue_num_drops.
            Interlocked.Increment(ref _discarded);
            return false;
        }
        CountQueueDrop();
        return false;
    }

    /// <summary>Asks every sink to reopen its file/program after the alerts already queued (SIGUSR1).</summary>
    public bool RequestReopen()
    {
        if (_channel.Writer.TryWrite(new QueueItem(null, ControlKind.Reopen)))
        {
            return true;
        }
        CountQueueDrop();
        return false;
    }

    /// <summary>Alerts (and control items) waiting in the queue now; read without locks, for metrics.</summary>
    public int QueueDepth => _channel.Reader.CanCount ? _channel.Reader.Count : 0;

    /// <summary>The counters so far.</summary>
    public OutputStatistics GetStatistics()
    {
        List<SinkStatistics> sinks = [];
        foreach (SinkCounters counters in _sinkCounters)
        {
            sinks.Add(counters.Snapshot());
        }
        for (int s = 0; s < _batchedSinks.Length; s++)
        {
            sinks.Add(_batchedSinks[s] is ISelfCountingAlertSink counting ? counting.GetStatistics() : _batchedCounters[s].Snapshot());
        }
        return new OutputStatistics(
            Interlocked.Read(ref _enqueued),
            Interlocked.Read(ref _queueDrops),
            Interlocked.Read(ref _discarded),
            sinks);
    }

    /// <summary>
    /// Stops accepting alerts, lets the worker deliver what is queued for up to <paramref name="timeout"/>
    /// (default <see cref="OutputDispatcherOptions.OutputTimeout"/>), then flushes and disposes the sinks.
    /// Returns false when the timeout expired; the alerts still queued then are counted in
    /// <see cref="OutputStatistics.DiscardedAtShutdown"/>.
    /// </summary>
    public async Task<bool> ShutdownAsync(TimeSpan? timeout = null)
    {
        if (Interlocked.Exchange(ref _shutdownStarted, 1) != 0)
        {
            await _worker.ConfigureAwait(false);
            return true;
        }
        _channel.Writer.TryComplete();
        bool drained;
        using (CancellationTokenSource delay = new())
        {
            Task finished = await Task.WhenAny(_worker, Task.Delay(timeout ?? _options.OutputTimeout, delay.Token)).ConfigureAwait(false);
            drained = finished == _worker;
            await delay.CancelAsync().ConfigureAwait(false);
        }
        if (!drained)
        {
            Log(Priority.Notice, ShutdownDiscardMessage);
            await _stopping.CancelAsync().ConfigureAwait(false);
            while (_channel.Reader.TryRead(out QueueItem item))
            {
                if (item.Alert is not null)
                {
                    Interlocked.Increment(ref _discarded);
                }
            }
        }
        await _watchdog.DisposeAsync().ConfigureAwait(false);
        foreach (IAlertSink sink in _sinks)
        {
            Isolate(sink.Name, "flush", sink.Flush);
            Isolate(sink.Name, "close", sink.Dispose);
        }
        foreach (IBatchedAlertSink sink in _batchedSinks)
        {
            try
            {
                await sink.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) // sink isolation: one sink's failure must not stop the shutdown of the others
            {
                Log(Priority.Error, sink.Name + ": close failed: " + ex.Message);
            }
        }
        return drained;
    }

    /// <summary>Drains the queue (up to the shutdown timeout), flushes and disposes the sinks.</summary>
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void CountQueueDrop()
    {
        if (Interlocked.Increment(ref _queueDrops) == 1)
        {
            Log(Priority.Error, QueueFullMessage);
        }
    }

    private async Task RunWorkerAsync()
    {
        List<FormattedAlert> batch = new(_options.MaxBatchSize);
        ChannelReader<QueueItem> reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (batch.Count < _options.MaxBatchSize && reader.TryRead(out QueueItem item))
                {
                    if (item.Kind == ControlKind.Reopen)
                    {
                        await DeliverAsync(batch).ConfigureAwait(false);
                        batch.Clear();
                        ReopenSinks();
                        continue;
                    }
                    FormattedAlert? formatted = FormatOrLog(item.Alert!);
                    if (formatted is not null)
                    {
                        batch.Add(formatted);
                    }
                }
                await DeliverAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutdown gave up waiting; what is left is counted as discarded there.
        }
    }

    private FormattedAlert? FormatOrLog(Alert alert)
    {
        try
        {
            return _formatter.Format(alert);
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException or InvalidOperationException)
        {
            // A malformed alert (bad output_fields JSON) is an engine bug; count it against every sink and go on.
            Log(Priority.Error, "cannot format alert for rule '" + alert.Rule + "': " + ex.Message);
            foreach (SinkCounters counters in _sinkCounters.Concat(_batchedCounters))
            {
                counters.AddFailed(1);
            }
            return null;
        }
    }

    private async Task DeliverAsync(List<FormattedAlert> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }
        for (int s = 0; s < _sinks.Length; s++)
        {
            IAlertSink sink = _sinks[s];
            SinkCounters counters = _sinkCounters[s];
            foreach (FormattedAlert alert in batch)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                EnterSink(sink.Name);
                try
                {
                    sink.Emit(alert);
                    counters.AddDelivered(1);
                }
                catch (Exception ex) // sink isolation: a broken output must not stop the others
                {
                    counters.AddFailed(1);
                    Log(Priority.Error, sink.Name + ": " + ex.Message);
                }
                finally
                {
                    LeaveSink();
                }
            }
        }
        for (int s = 0; s < _batchedSinks.Length; s++)
        {
            IBatchedAlertSink sink = _batchedSinks[s];
            SinkCounters counters = _batchedCounters[s];
            EnterSink(sink.Name);
            try
            {
                await sink.EmitBatchAsync(batch, _stopping.Token).ConfigureAwait(false);
                counters.AddDelivered(batch.Count);
            }
            catch (AlertSinkException ex)
            {
                counters.AddDelivered(ex.DeliveredCount);
                counters.AddFailed(batch.Count - ex.DeliveredCount);
                Log(Priority.Error, sink.Name + ": " + ex.Message);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                counters.AddFailed(batch.Count);
                return;
            }
            catch (Exception ex) // sink isolation
            {
                counters.AddFailed(batch.Count);
                Log(Priority.Error, sink.Name + ": " + ex.Message);
            }
            finally
            {
                LeaveSink();
            }
        }
    }

    private void ReopenSinks()
    {
        foreach (IAlertSink sink in _sinks)
        {
            Isolate(sink.Name, "reopen", sink.Reopen);
        }
    }

    private void Isolate(string sinkName, string operation, Action action)
    {
        try
        {
            action();
        }
        catch (Exception ex) // sink isolation
        {
            Log(Priority.Error, sinkName + ": " + operation + " failed: " + ex.Message);
        }
    }

    private void EnterSink(string name)
    {
        Volatile.Write(ref _currentSink, name);
        Volatile.Write(ref _currentCallReported, 0);
        Volatile.Write(ref _currentCallStarted, Stopwatch.GetTimestamp());
    }

    private void LeaveSink() => Volatile.Write(ref _currentCallStarted, 0);

    private void CheckWatchdog()
    {
        long started = Volatile.Read(ref _currentCallStarted);
        if (started == 0 || Stopwatch.GetElapsedTime(started) < _options.OutputTimeout)
        {
            return;
        }
        if (Interlocked.Exchange(ref _currentCallReported, 1) == 0)
        {
            Log(Priority.Critical, "\"" + Volatile.Read(ref _currentSink) + "\" output timeout, all output channels are blocked");
        }
    }

    private void Log(Priority level, string message) => _log?.Invoke(level, message);

    private enum ControlKind
    {
        None,
        Reopen,
    }

    private readonly record struct QueueItem(Alert? Alert, ControlKind Kind);

    private sealed class SinkCounters(string name)
    {
        private long _delivered;
        private long _failed;

        public void AddDelivered(long count) => Interlocked.Add(ref _delivered, count);

        public void AddFailed(long count) => Interlocked.Add(ref _failed, count);

        public SinkStatistics Snapshot() => new(name, Interlocked.Read(ref _delivered), Interlocked.Read(ref _failed));
    }
}
