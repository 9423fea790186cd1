using System.Text;
using Falconet.Core.Alerts;
using NATS.Client.Core;

namespace Falconet.Outputs.Nats.Tests;

public sealed class NatsAlertSinkTests
{
    private static Alert MakeAlert(int n) => new(
        1_700_000_000_000_000_000UL + (ulong)n, Priority.Critical, "Rule " + n, "alert number " + n,
        "{\"proc.name\":\"p" + n + "\"}", "syscall", ["network"], "host");

    [Fact]
    public async Task Alerts_are_published_as_json_on_the_subject()
    {
        NatsServerProcess.SkipIfAbsent();
        CancellationToken ct = TestContext.Current.CancellationToken;
        using NatsServerProcess server = await NatsServerProcess.StartAsync();
        await using NatsConnection subscriber = new(NatsOpts.Default with { Url = server.Url });
        await using INatsSub<byte[]> subscription = await subscriber.SubscribeCoreAsync<byte[]>("test.alerts", cancellationToken: ct);
        await subscriber.PingAsync(ct); // the subscription is registered on the server before anything is published

        AlertFormatter formatter = new(new AlertFormatOptions { JsonOutput = true });
        FormattedAlert[] batch = [formatter.Format(MakeAlert(1)), formatter.Format(MakeAlert(2))];
        await using (NatsAlertSink sink = new(new NatsOutputOptions { Url = server.Url, Subject = "test.alerts" }))
        {
            await sink.EmitBatchAsync(batch, ct);
        }

        List<string> received = [];
        using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        await foreach (NatsMsg<byte[]> message in subscription.Msgs.ReadAllAsync(limit.Token))
        {
            received.Add(Encoding.UTF8.GetString(message.Data!));
            if (received.Count == batch.Length)
            {
                break;
            }
        }
        Assert.Equal(batch.Select(a => a.Message), received);
        Assert.Contains("\"rule\":\"Rule 1\"", received[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatcher_counts_nats_deliveries()
    {
        NatsServerProcess.SkipIfAbsent();
        using NatsServerProcess server = await NatsServerProcess.StartAsync();
        OutputDispatcher dispatcher = new(new AlertFormatter(new AlertFormatOptions { JsonOutput = true }), [],
            [new NatsAlertSink(new NatsOutputOptions { Url = server.Url })]);

        for (int n = 0; n < 5; n++)
        {
            Assert.True(dispatcher.TryEnqueue(MakeAlert(n)));
        }
        Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(new SinkStatistics("nats", 5, 0), Assert.Single(dispatcher.GetStatistics().Sinks));
    }

    [Fact]
    public async Task An_unreachable_server_fails_the_batch_within_the_batch_timeout()
    {
        NatsServerProcess.SkipIfAbsent();
        string url;
        using (NatsServerProcess server = await NatsServerProcess.StartAsync())
        {
            url = server.Url;
        } // stopped: nothing listens on that loopback port now

        await using NatsAlertSink sink = new(new NatsOutputOptions { Url = url, BatchTimeout = TimeSpan.FromMilliseconds(500), ConnectTimeout = TimeSpan.FromMilliseconds(200) });
        AlertFormatter formatter = new(new AlertFormatOptions { JsonOutput = true });

        AlertSinkException error = await Assert.ThrowsAsync<AlertSinkException>(
            () => sink.EmitBatchAsync([formatter.Format(MakeAlert(1))], TestContext.Current.CancellationToken));
        Assert.Equal(0, error.DeliveredCount);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4222", "falco.alerts")]
    [InlineData("nats://127.0.0.1:4222", "has space")]
    [InlineData("nats://127.0.0.1:4222", "")]
    public void Bad_options_are_rejected(string url, string subject)
    {
        Assert.Throws<ArgumentException>(() => new NatsAlertSink(new NatsOutputOptions { Url = url, Subject = subject }));
    }

    [Fact]
    public void Defaults_are_local_server_and_falco_alerts_subject()
    {
        NatsOutputOptions options = new();
        Assert.Equal("nats://127.0.0.1:4222", options.Url);
        Assert.Equal("falco.alerts", options.Subject);
    }
}
