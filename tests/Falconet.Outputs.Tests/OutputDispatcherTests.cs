using System.Collections.Concurrent;
using Falconet.Core.Alerts;

namespace Falconet.Outputs.Tests;

public sealed class OutputDispatcherTests
{
    private static AlertFormatter TextFormatter() => new(new AlertFormatOptions());

    [Fact]
    public async Task Full_queue_drops_newest_without_blocking_and_counts_and_logs_once()
    {
        using SemaphoreSlim gate = new(0);
        RecordingSink slow = new("slow") { Gate = gate };
        ConcurrentQueue<(Priority, string)> log = new();
        OutputDispatcher dispatcher = new(TextFormatter(), [slow], [],
            new OutputDispatcherOptions { QueueCapacity = 2, MaxBatchSize = 1 }, (level, message) => log.Enqueue((level, message)));

        Assert.True(dispatcher.TryEnqueue(TestAlerts.Make(0)));
        await TestAlerts.Within(slow.Entered.Task); // the worker now holds alert 0 inside the blocked sink

        bool[] accepted = [.. Enumerable.Range(1, 5).Select(n => dispatcher.TryEnqueue(TestAlerts.Make(n)))];

        Assert.Equal([true, true, false, false, false], accepted);
        OutputStatistics during = dispatcher.GetStatistics();
        Assert.Equal(3, during.Enqueued);
        Assert.Equal(3, during.QueueDrops);
        Assert.Single(log, e => e.Item2 == OutputDispatcher.QueueFullMessage && e.Item1 == Priority.Error);

        gate.Release(100);
        Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(["alert number 0", "alert number 1", "alert number 2"], slow.Messages.Select(m => m[(m.IndexOf("alert", StringComparison.Ordinal))..]));
        SinkStatistics sink = Assert.Single(dispatcher.GetStatistics().Sinks);
        Assert.Equal(new SinkStatistics("slow", 3, 0), sink);
    }

    [Fact]
    public async Task A_throwing_sink_is_counted_and_does_not_stop_the_others()
    {
        RecordingSink broken = new("broken") { Throw = true };
        RecordingSink good = new("good");
        RecordingBatchedSink batched = new("batched");
        ConcurrentQueue<string> log = new();
        OutputDispatcher dispatcher = new(TextFormatter(), [broken, good], [batched], log: (_, m) => log.Enqueue(m));

        for (int n = 0; n < 4; n++)
        {
            Assert.True(dispatcher.TryEnqueue(TestAlerts.Make(n)));
        }
        Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(30)));

        OutputStatistics stats = dispatcher.GetStatistics();
        Assert.Equal(4, stats.Enqueued);
        Assert.Equal(0, stats.QueueDrops);
        Assert.Equal(
            [new SinkStatistics("broken", 0, 4), new SinkStatistics("good", 4, 0), new SinkStatistics("batched", 4, 0)],
            stats.Sinks);
        Assert.Equal(4, good.Messages.Count);
        Assert.Equal(4, batched.Messages.Count);
        Assert.Equal(4, batched.BatchSizes.Sum());
        Assert.Contains("broken: sink broken is broken", log);
    }

    [Fact]
    public async Task Partial_batch_failure_counts_delivered_and_failed()
    {
        RecordingBatchedSink partial = new("partial") { AcceptPerBatch = 1 };
        OutputDispatcher dispatcher = new(TextFormatter(), [], [partial], new OutputDispatcherOptions { MaxBatchSize = 2 });

        for (int n = 0; n < 4; n++)
        {
            dispatcher.TryEnqueue(TestAlerts.Make(n));
        }
        Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(30)));

        SinkStatistics stats = Assert.Single(dispatcher.GetStatistics().Sinks);
        Assert.Equal(4, stats.Delivered + stats.Failed);
        Assert.Equal(partial.BatchSizes.Count, stats.Delivered);
        Assert.All(partial.BatchSizes, size => Assert.InRange(size, 1, 2));
    }

    [Fact]
    public async Task Reopen_is_delivered_in_order_with_the_alerts()
    {
        RecordingSink sink = new("file");
        OutputDispatcher dispatcher = new(TextFormatter(), [sink], []);

        dispatcher.TryEnqueue(TestAlerts.Make(1));
        Assert.True(dispatcher.RequestReopen());
        dispatcher.TryEnqueue(TestAlerts.Make(2));
        Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(3, sink.Messages.Count);
        Assert.EndsWith("alert number 1", sink.Messages[0], StringComparison.Ordinal);
        Assert.Equal("<reopen>", sink.Messages[1]);
        Assert.EndsWith("alert number 2", sink.Messages[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_gives_up_on_a_blocked_sink_and_counts_what_was_left()
    {
        using SemaphoreSlim gate = new(0);
        RecordingSink stuck = new("stuck") { Gate = gate };
        ConcurrentQueue<string> log = new();
        OutputDispatcher dispatcher = new(TextFormatter(), [stuck], [],
            new OutputDispatcherOptions { MaxBatchSize = 1 }, (_, m) => log.Enqueue(m));

        dispatcher.TryEnqueue(TestAlerts.Make(0));
        await TestAlerts.Within(stuck.Entered.Task);
        dispatcher.TryEnqueue(TestAlerts.Make(1));
        dispatcher.TryEnqueue(TestAlerts.Make(2));

        bool drained = await dispatcher.ShutdownAsync(TimeSpan.FromMilliseconds(100));

        Assert.False(drained);
        Assert.Equal(2, dispatcher.GetStatistics().DiscardedAtShutdown);
        Assert.Contains(OutputDispatcher.ShutdownDiscardMessage, log);
        Assert.False(dispatcher.TryEnqueue(TestAlerts.Make(3)));
        Assert.Equal(3, dispatcher.GetStatistics().DiscardedAtShutdown);
        Assert.Equal(0, dispatcher.GetStatistics().QueueDrops);
        gate.Release(10);
    }

    [Fact]
    public async Task Watchdog_reports_a_sink_blocked_longer_than_output_timeout()
    {
        using SemaphoreSlim gate = new(0);
        RecordingSink stuck = new("stuck") { Gate = gate };
        TaskCompletionSource<string> reported = new(TaskCreationOptions.RunContinuationsAsynchronously);
        OutputDispatcher dispatcher = new(TextFormatter(), [stuck], [],
            new OutputDispatcherOptions { OutputTimeout = TimeSpan.FromMilliseconds(20) },
            (level, m) =>
            {
                if (level == Priority.Critical)
                {
                    reported.TrySetResult(m);
                }
            });

        dispatcher.TryEnqueue(TestAlerts.Make(0));
        await TestAlerts.Within(reported.Task);

        Assert.Equal("\"stuck\" output timeout, all output channels are blocked", await reported.Task);
        gate.Release(10);
        Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, dispatcher.GetStatistics().Sinks[0].Delivered);
    }

    [Fact]
    public async Task Malformed_output_fields_fail_that_alert_only()
    {
        RecordingSink sink = new("sink");
        OutputDispatcher dispatcher = new(new AlertFormatter(new AlertFormatOptions { JsonOutput = true }), [sink], []);

        dispatcher.TryEnqueue(TestAlerts.Make(0) with { OutputFieldsJson = "{not json" });
        dispatcher.TryEnqueue(TestAlerts.Make(1));
        Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(new SinkStatistics("sink", 1, 1), dispatcher.GetStatistics().Sinks[0]);
    }
}
