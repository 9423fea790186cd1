using Falconet.Host;

namespace Falconet.Operations.Tests;

/// <summary>
/// A replay through <see cref="FalconetCommands.Run"/> with the web server on a free loopback port, serving during the
/// replay; after the summary, while the server still serves, its endpoints are read over real HTTP.
/// </summary>
internal static class ReplayRun
{
    public sealed record Scraped(Uri BaseAddress, int HealthStatus, string Health, string? Metrics, string Versions);

    public sealed record Result(int ExitCode, string Stdout, string Stderr, Scraped? Scraped);

    public static readonly string[] WebServerOn =
    [
        "webserver.enabled=true", "webserver.in_replay=true", "webserver.listen_port=0",
        "metrics.enabled=true", "webserver.prometheus_metrics_enabled=true",
    ];

    public static Result Run(string capture, IEnumerable<string> overrides, Func<HttpClient>? client = null)
    {
        var stdout = new MemoryStream();
        var stdoutText = new StringWriter();
        var stderr = new StringWriter();
        Scraped? scraped = null;
        var request = new RunRequest
        {
            CaptureFile = capture,
            Verbose = true,
            Overrides = [.. overrides],
            AfterSummary = uri => scraped = uri is null ? null : Scrape(uri, client?.Invoke() ?? new HttpClient()),
        };
        int rc = FalconetCommands.Run(request, new ConsoleStreams(stdoutText, stderr, stdout), CancellationToken.None);
        return new Result(rc, stdoutText + System.Text.Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString(), scraped);
    }

    private static Scraped Scrape(Uri baseAddress, HttpClient http)
    {
        using (http)
        {
            http.Timeout = TimeSpan.FromSeconds(30);
            using HttpResponseMessage health = http.GetAsync(new Uri(baseAddress, "/healthz")).GetAwaiter().GetResult();
            using HttpResponseMessage metrics = http.GetAsync(new Uri(baseAddress, "/metrics")).GetAwaiter().GetResult();
            string versions = http.GetStringAsync(new Uri(baseAddress, "/versions")).GetAwaiter().GetResult();
            return new Scraped(baseAddress, (int)health.StatusCode, health.Content.ReadAsStringAsync().GetAwaiter().GetResult(),
                metrics.IsSuccessStatusCode ? metrics.Content.ReadAsStringAsync().GetAwaiter().GetResult() : null, versions);
        }
    }
}
