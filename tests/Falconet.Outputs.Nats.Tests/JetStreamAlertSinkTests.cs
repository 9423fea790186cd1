using System.Text.Json.Nodes;
using Falconet.Core.Alerts;
using Falconet.TestKit;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Falconet.Outputs.Nats.Tests;

/// <summary>
/// The JetStream sink against a real <c>nats-server -js</c> on loopback: acknowledged, de-duplicated by message id,
/// buffered while the server is away, delivered in order after it returns, and the dropped count equal to what the
/// stream misses.
/// </summary>
public sealed class JetStreamAlertSinkTests
{
    private static readonly AlertFormatter s_json = new(new AlertFormatOptions { JsonOutput = true });

    private static Alert MakeAlert(int n, Priority priority = Priority.Warning, string rule = "Numbered alert") => new(
        1_700_000_000_000_000_000UL + (ulong)n, priority, rule, "alert number " + n,
        "{\"n\":" + n + "}", "syscall", ["network"], "host");

    private static NatsOutputOptions Options(string url, int bufferSize = 10_000) => new()
    {
        Url = url,
        Subject = "test.alerts",
        JetStream = true,
        Stream = "TEST",
        BufferSize = bufferSize,
        AckTimeout = TimeSpan.FromMilliseconds(500),
        RetryMax = TimeSpan.FromMilliseconds(500),
        DrainTimeout = TimeSpan.FromSeconds(30),
    };

    private static int Number(StoredAlert a) => JsonNode.Parse(a.Json)!["output_fields"]!["n"]!.GetValue<int>();

    private static void WaitUntil(Func<bool> condition, string what, int seconds = 60)
    {
        DateTime limit = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < limit, "not within " + seconds + " s: " + what);
            Thread.Sleep(20);
        }
    }

    [Fact]
    public async Task Alerts_are_acknowledged_in_the_stream_under_priority_and_rule_subjects_with_a_message_id()
    {
        NatsServerProcess.SkipIfAbsent();
        using TempDirectory store = new();
        using NatsServerProcess server = await NatsServerProcess.StartAsync(store.Path);
        JetStreamAlertSink sink = new(Options(server.Url));
        await using (OutputDispatcher dispatcher = new(s_json, [], [sink]))
        {
            Assert.True(dispatcher.TryEnqueue(MakeAlert(1, Priority.Critical, "Terminal shell in container")));
            Assert.True(dispatcher.TryEnqueue(MakeAlert(2, Priority.Notice, "a.b*c>d")));
            Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(new SinkStatistics("nats", 2, 0), Assert.Single(dispatcher.GetStatistics().Sinks));
        }

        List<StoredAlert> stored = await StreamContents.ReadAllAsync(server.Url, "TEST");
        Assert.Equal(["test.alerts.critical.Terminal_shell_in_container", "test.alerts.notice.a_b_c_d"], stored.Select(s => s.Subject));
        Assert.All(stored, s => Assert.False(string.IsNullOrEmpty(s.MessageId)));
        Assert.NotEqual(stored[0].MessageId, stored[1].MessageId);
        Assert.Equal([1, 2], stored.Select(Number));
        // A consumer can take one priority only.
        Assert.Equal([1], (await StreamContents.ReadAllAsync(server.Url, "TEST", "test.alerts.critical.>")).Select(Number));

        // The stream the sink created de-duplicates: the same id again is acknowledged as a duplicate and not stored.
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using NatsConnection connection = new(NatsOpts.Default with { Url = server.Url });
        NatsJSContext js = new(connection);
        PubAckResponse again = await js.PublishAsync(stored[0].Subject, System.Text.Encoding.UTF8.GetBytes(stored[0].Json),
            opts: new NatsJSPubOpts { MsgId = stored[0].MessageId }, cancellationToken: ct);
        Assert.True(again.Duplicate);
        Assert.Equal(2, (await StreamContents.ReadAllAsync(server.Url, "TEST")).Count);
    }

    [Fact]
    public async Task A_server_killed_and_restarted_while_alerts_are_produced_gets_every_alert_once_in_order()
    {
        NatsServerProcess.SkipIfAbsent();
        using TempDirectory store = new();
        NatsServerProcess server = await NatsServerProcess.StartAsync(store.Path);
        int port = server.Port;
        string url = server.Url;
        const int Total = 300;
        JetStreamAlertSink sink = new(Options(url));
        await using OutputDispatcher dispatcher = new(s_json, [], [sink]);
        try
        {
            for (int n = 1; n <= Total; n++)
            {
                Assert.True(dispatcher.TryEnqueue(MakeAlert(n)));
                if (n == 100)
                {
                    WaitUntil(() => sink.Delivered >= 50, "some alerts acknowledged before the kill");
                    server.Kill();
                }
                if (n == 200)
                {
                    // Alerts produced while the server is away wait in the buffer.
                    WaitUntil(() => sink.Buffered > 0, "alerts buffered while the server is away");
                    server = await NatsServerProcess.StartAsync(store.Path, port);
                }
                Thread.Sleep(3);
            }
            WaitUntil(() => sink.Delivered == Total && sink.Buffered == 0, "every alert acknowledged after the restart");
            Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(new SinkStatistics("nats", Total, 0), Assert.Single(dispatcher.GetStatistics().Sinks));

            List<StoredAlert> stored = await StreamContents.ReadAllAsync(url, "TEST");
            Assert.Equal(Enumerable.Range(1, Total), stored.Select(Number));
            Assert.Equal(Total, stored.Select(s => s.MessageId).Distinct().Count());
        }
        finally
        {
            server.Dispose();
        }
    }

    [Fact]
    public async Task With_the_buffer_bound_exceeded_the_dropped_count_equals_what_the_stream_misses()
    {
        NatsServerProcess.SkipIfAbsent();
        using TempDirectory store = new();
        NatsServerProcess server = await NatsServerProcess.StartAsync(store.Path);
        int port = server.Port;
        string url = server.Url;
        const int Buffer = 10;
        JetStreamAlertSink sink = new(Options(url, Buffer));
        await using OutputDispatcher dispatcher = new(s_json, [], [sink]);
        try
        {
            for (int n = 1; n <= 5; n++)
            {
                Assert.True(dispatcher.TryEnqueue(MakeAlert(n)));
            }
            WaitUntil(() => sink.Delivered == 5, "the first alerts acknowledged");
            server.Kill();
            for (int n = 6; n <= 40; n++)
            {
                Assert.True(dispatcher.TryEnqueue(MakeAlert(n)));
            }
            WaitUntil(() => sink.Buffered + sink.Dropped == 35, "the alerts of the outage buffered or dropped");
            server = await NatsServerProcess.StartAsync(store.Path, port);
            WaitUntil(() => sink.Buffered == 0, "the buffer published after the restart");
            Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(30)));

            List<StoredAlert> stored = await StreamContents.ReadAllAsync(url, "TEST");
            SinkStatistics stats = Assert.Single(dispatcher.GetStatistics().Sinks);
            Assert.Equal(40 - Buffer - 5, stats.Failed);
            Assert.Equal(40 - stored.Count, stats.Failed);
            Assert.Equal(stored.Count, stats.Delivered);
            // The buffer kept the oldest alerts of the outage; those arriving at a full buffer are the missing ones.
            Assert.Equal(Enumerable.Range(1, 5 + Buffer), stored.Select(Number));
        }
        finally
        {
            server.Dispose();
        }
    }

    [Fact]
    public async Task Alerts_left_in_the_buffer_at_shutdown_are_counted_as_dropped()
    {
        NatsServerProcess.SkipIfAbsent();
        string url;
        using (NatsServerProcess gone = await NatsServerProcess.StartAsync())
        {
            url = gone.Url;
        }
        JetStreamAlertSink sink = new(Options(url) with { DrainTimeout = TimeSpan.FromMilliseconds(300) });
        OutputDispatcher dispatcher = new(s_json, [], [sink]);
        for (int n = 1; n <= 3; n++)
        {
            Assert.True(dispatcher.TryEnqueue(MakeAlert(n)));
        }
        Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(new SinkStatistics("nats", 0, 3), Assert.Single(dispatcher.GetStatistics().Sinks));
    }

    [Theory]
    [InlineData("FAL.CO")]
    [InlineData("has space")]
    [InlineData("")]
    public void Bad_stream_names_are_rejected(string stream)
    {
        Assert.Throws<ArgumentException>(() => new JetStreamAlertSink(Options("nats://127.0.0.1:4222") with { Stream = stream }));
    }

    [Fact]
    public void A_wildcard_prefix_or_an_empty_buffer_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new JetStreamAlertSink(Options("nats://127.0.0.1:4222") with { Subject = "a.*" }));
        Assert.Throws<ArgumentException>(() => new JetStreamAlertSink(Options("nats://127.0.0.1:4222", 0)));
        Assert.Throws<ArgumentException>(() => new JetStreamAlertSink(Options("nats://127.0.0.1:4222") with { Storage = "disk" }));
    }

    [Theory]
    [InlineData("Terminal shell in container", "Terminal_shell_in_container")]
    [InlineData("Read sensitive file untrusted", "Read_sensitive_file_untrusted")]
    [InlineData("x.y>z*", "x_y_z_")]
    [InlineData("Ünïcode-rule_1", "_n_code-rule_1")]
    public void Rule_names_become_one_subject_token(string rule, string token)
    {
        Assert.Equal(token, JetStreamSubject.Token(rule));
        Assert.Equal("falconet.alerts.error." + token, JetStreamSubject.For("falconet.alerts", Priority.Error, rule));
    }
}
