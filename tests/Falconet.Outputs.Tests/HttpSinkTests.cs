using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Falconet.Outputs.Sinks;

namespace Falconet.Outputs.Tests;

/// <summary>Runs <see cref="HttpAlertSink"/> against an <see cref="HttpListener"/> on 127.0.0.1 only.</summary>
public sealed class HttpSinkTests : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Method, string? ContentType, string? UserAgent, string? Encoding, byte[] Body)> _requests = new();
    private readonly Task _server;
    private int _statusCode = 200;

    public HttpSinkTests()
    {
        Port = FreeLoopbackPort();
        _listener.Prefixes.Add("http://127.0.0.1:" + Port + "/");
        _listener.Start();
        _server = Task.Run(ServeAsync);
    }

    private int Port { get; }

    private string Url => "http://127.0.0.1:" + Port + "/alerts";

    [Fact]
    public async Task Json_alerts_are_posted_as_application_json_with_falco_user_agent()
    {
        await using HttpAlertSink sink = new(new HttpOutputOptions { Url = "\"" + Url + "\"" });
        FormattedAlert[] batch = [TestAlerts.Json(1), TestAlerts.Json(2)];

        await sink.EmitBatchAsync(batch, TestContext.Current.CancellationToken);

        Assert.Equal(2, _requests.Count);
        foreach ((string method, string? contentType, string? userAgent, _, byte[] body) in _requests)
        {
            Assert.Equal("POST", method);
            Assert.Equal("application/json", contentType);
            Assert.Equal("falcosecurity/falco", userAgent);
            Assert.StartsWith("{\"hostname\":", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        }
        Assert.Equal(batch.Select(a => a.Message), _requests.Select(r => Encoding.UTF8.GetString(r.Body)));
    }

    [Fact]
    public async Task Text_alerts_are_text_plain_and_can_be_gzipped()
    {
        await using HttpAlertSink sink = new(new HttpOutputOptions { Url = Url, CompressUploads = true, UserAgent = "custom/1" });
        FormattedAlert alert = TestAlerts.Text(3);

        await sink.EmitBatchAsync([alert], TestContext.Current.CancellationToken);

        (string Method, string? ContentType, string? UserAgent, string? Encoding, byte[] Body) request = Assert.Single(_requests);
        Assert.Equal("text/plain", request.ContentType);
        Assert.Equal("custom/1", request.UserAgent);
        Assert.Equal("gzip", request.Encoding);
        using GZipStream gzip = new(new MemoryStream(request.Body), CompressionMode.Decompress);
        using StreamReader reader = new(gzip, Encoding.UTF8);
        Assert.Equal(alert.Message, await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Error_status_is_reported_as_undelivered()
    {
        _statusCode = 500;
        await using HttpAlertSink sink = new(new HttpOutputOptions { Url = Url, Retries = 0 });

        AlertSinkException error = await Assert.ThrowsAsync<AlertSinkException>(
            () => sink.EmitBatchAsync([TestAlerts.Json(1), TestAlerts.Json(2)], TestContext.Current.CancellationToken));

        Assert.Equal(0, error.DeliveredCount);
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _requests.Count); // retries: 0, as Falco: one attempt each
    }

    [Fact]
    public async Task A_server_that_stays_down_costs_the_retries_once_per_batch()
    {
        _statusCode = 503;
        await using HttpAlertSink sink = new(new HttpOutputOptions { Url = Url, Retries = 2, RetryBackoff = TimeSpan.FromMilliseconds(5) });

        AlertSinkException error = await Assert.ThrowsAsync<AlertSinkException>(
            () => sink.EmitBatchAsync([TestAlerts.Json(1), TestAlerts.Json(2), TestAlerts.Json(3)], TestContext.Current.CancellationToken));

        Assert.Equal(0, error.DeliveredCount);
        Assert.Equal(3 + 1 + 1, _requests.Count); // the first alert: 1 + 2 retries; then the server counts as down
    }

    [Fact]
    public async Task A_client_error_is_not_retried()
    {
        _statusCode = 400;
        await using HttpAlertSink sink = new(new HttpOutputOptions { Url = Url, Retries = 5, RetryBackoff = TimeSpan.FromMilliseconds(5) });

        await Assert.ThrowsAsync<AlertSinkException>(() => sink.EmitBatchAsync([TestAlerts.Json(1)], TestContext.Current.CancellationToken));

        Assert.Single(_requests);
    }

    [Fact]
    public async Task Dispatcher_counts_http_deliveries()
    {
        OutputDispatcher dispatcher = new(new AlertFormatter(new AlertFormatOptions { JsonOutput = true }), [],
            [new HttpAlertSink(new HttpOutputOptions { Url = Url })]);

        for (int n = 0; n < 3; n++)
        {
            dispatcher.TryEnqueue(TestAlerts.Make(n));
        }
        Assert.True(await dispatcher.ShutdownAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(new SinkStatistics("http", 3, 0), Assert.Single(dispatcher.GetStatistics().Sinks));
        Assert.Equal(3, _requests.Count);
    }

    [Fact]
    public void Non_http_url_is_rejected_with_the_key_name()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new HttpAlertSink(new HttpOutputOptions { Url = "ftp://x" }));
        Assert.Contains("http_output.url", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _server.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using MemoryStream body = new();
            await context.Request.InputStream.CopyToAsync(body);
            _requests.Enqueue((context.Request.HttpMethod, context.Request.ContentType, context.Request.UserAgent,
                context.Request.Headers["Content-Encoding"], body.ToArray()));
            context.Response.StatusCode = _statusCode;
            context.Response.Close();
        }
    }

    private static int FreeLoopbackPort()
    {
        using TcpListener probe = new(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}

public sealed class HttpSinkOptionTests
{
    [Fact]
    public void Missing_ca_bundle_is_reported_with_the_key_name()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new HttpAlertSink(
            new HttpOutputOptions { Url = "https://127.0.0.1:1/", CaBundle = "/nonexistent/ca.crt" }));
        Assert.Contains("http_output.ca_bundle", error.Message, StringComparison.Ordinal);
    }
}
