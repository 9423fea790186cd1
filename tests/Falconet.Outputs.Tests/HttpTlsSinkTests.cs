using Falconet.Outputs.Sinks;
using Falconet.TestKit;

namespace Falconet.Outputs.Tests;

/// <summary><see cref="HttpAlertSink"/> over HTTPS to a Kestrel server whose certificate a test CA issued.</summary>
public sealed class HttpTlsSinkTests
{
    [Fact]
    public async Task Alerts_arrive_over_tls_trusting_the_test_ca()
    {
        using TempDirectory dir = new();
        await using TlsTestServer server = await TlsTestServer.StartAsync(dir.Path);
        OutputDispatcher dispatcher = new(new AlertFormatter(new AlertFormatOptions { JsonOutput = true }), [],
            [new HttpAlertSink(new HttpOutputOptions { Url = server.Url, CaCert = server.CaPemFile, KeepAlive = true })],
            log: (_, message) => TestContext.Current.SendDiagnosticMessage(message));
        FormattedAlert[] expected = [TestAlerts.Json(1), TestAlerts.Json(2), TestAlerts.Json(3)];
        foreach (FormattedAlert alert in expected)
        {
            Assert.True(dispatcher.TryEnqueue(alert.Alert));
        }
        Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(new SinkStatistics("http", 3, 0), Assert.Single(dispatcher.GetStatistics().Sinks));
        Assert.Equal(expected.Select(a => a.Message), server.Accepted);
    }

    [Fact]
    public async Task Without_the_test_ca_the_certificate_is_refused()
    {
        using TempDirectory dir = new();
        await using TlsTestServer server = await TlsTestServer.StartAsync(dir.Path);
        await using HttpAlertSink sink = new(new HttpOutputOptions { Url = server.Url });

        AlertSinkException error = await Assert.ThrowsAsync<AlertSinkException>(
            () => sink.EmitBatchAsync([TestAlerts.Json(1)], TestContext.Current.CancellationToken));

        Assert.Equal(0, error.DeliveredCount);
        Assert.Empty(server.Accepted);
        Assert.Empty(server.Log); // refused in the handshake, and not retried
        Assert.Contains("certificate", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_server_answering_500_then_recovering_gets_every_alert_after_retries()
    {
        using TempDirectory dir = new();
        await using TlsTestServer server = await TlsTestServer.StartAsync(dir.Path);
        server.Answer = n => n <= 3 ? 500 : 200;
        OutputDispatcher dispatcher = new(new AlertFormatter(new AlertFormatOptions { JsonOutput = true }), [],
            [new HttpAlertSink(new HttpOutputOptions { Url = server.Url, CaCert = server.CaPemFile, Retries = 4, RetryBackoff = TimeSpan.FromMilliseconds(20) })]);
        FormattedAlert[] expected = [TestAlerts.Json(1), TestAlerts.Json(2)];
        foreach (FormattedAlert alert in expected)
        {
            Assert.True(dispatcher.TryEnqueue(alert.Alert));
        }
        Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal(new SinkStatistics("http", 2, 0), Assert.Single(dispatcher.GetStatistics().Sinks));
        Assert.Equal(expected.Select(a => a.Message), server.Accepted);
        // Alert 1 was refused three times and accepted on its third retry; alert 2 went through at once.
        Assert.Equal([(1, 500), (2, 500), (3, 500), (4, 200), (5, 200)], server.Log);
    }

    [Fact]
    public async Task A_hung_server_does_not_block_the_enqueueing_side()
    {
        using TempDirectory dir = new();
        await using TlsTestServer server = await TlsTestServer.StartAsync(dir.Path);
        server.Hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        OutputDispatcher dispatcher = new(new AlertFormatter(new AlertFormatOptions { JsonOutput = true }), [],
            [new HttpAlertSink(new HttpOutputOptions { Url = server.Url, CaCert = server.CaPemFile, RequestTimeout = TimeSpan.FromSeconds(60) })],
            new OutputDispatcherOptions { QueueCapacity = 50 });
        // The worker is stuck on the first POST; the queue fills and the rest are dropped, never waited for.
        int accepted = 0;
        for (int n = 0; n < 500; n++)
        {
            accepted += dispatcher.TryEnqueue(TestAlerts.Json(n).Alert) ? 1 : 0;
        }
        OutputStatistics stats = dispatcher.GetStatistics();
        Assert.InRange(accepted, 50, 51 + 100); // the queue, plus what the worker took into its batch
        Assert.Equal(500 - accepted, stats.QueueDrops);
        server.Hang.TrySetResult();
        await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(60));
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(5, 1600)]
    [InlineData(6, 2000)]
    [InlineData(40, 2000)]
    public void Backoff_doubles_from_the_first_wait_up_to_the_maximum(int retry, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), HttpAlertSink.Backoff(retry, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2)));
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(408, true)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    public void Server_errors_are_retried_client_errors_are_not(int status, bool retried)
    {
        Assert.Equal(retried, HttpAlertSink.IsRetryable(new HttpRequestException("x", null, (System.Net.HttpStatusCode)status)));
        Assert.True(HttpAlertSink.IsRetryable(new HttpRequestException("connection refused")));
        Assert.False(HttpAlertSink.IsRetryable(new HttpRequestException("tls", new System.Security.Authentication.AuthenticationException("untrusted root"))));
    }
}
