using Falconet.Core.Alerts;
using Falconet.Host.Configuration;
using Falconet.Operations;
using Falconet.Outputs;

namespace Falconet.Host;

/// <summary>
/// The operator-facing side of one run: the web server (<c>/healthz</c>, <c>/metrics</c>, <c>/versions</c>) and the
/// periodic <c>Falco internal: metrics snapshot</c> alerts. Both run off the event thread (Kestrel's threads, a timer)
/// and only read <see cref="RunTelemetry"/>; the snapshot alerts enter the same non-blocking output queue.
/// </summary>
internal sealed class OperationsHost : IDisposable
{
    private readonly WebServer? _server;
    private readonly Timer? _metricsTimer;

    private OperationsHost(WebServer? server, Timer? metricsTimer)
    {
        _server = server;
        _metricsTimer = metricsTimer;
    }

    /// <summary>Where the web server listens, or null when it is off.</summary>
    public Uri? BaseAddress => _server?.BaseAddress;

    public static OperationsHost Start(FalconetOptions options, RunTelemetry telemetry, OutputDispatcher outputs, bool live, TextWriter error)
    {
        OperationsSettings settings = options.Operations;
        WebServer? server = null;
        if (settings.WebServer.Enabled && (live || settings.ServeDuringReplay))
        {
            WebServerOptions web = settings.WebServer with
            {
                // As Falco: /metrics needs both metrics.enabled and webserver.prometheus_metrics_enabled.
                PrometheusMetricsEnabled = settings.WebServer.PrometheusMetricsEnabled && settings.MetricsEnabled,
            };
            if (settings.WebServer.PrometheusMetricsEnabled && !settings.MetricsEnabled)
            {
                error.WriteLine("falconet: webserver.prometheus_metrics_enabled is true but metrics.enabled is false: /metrics is not served");
            }
            try
            {
                server = WebServer.StartAsync(web, telemetry).GetAwaiter().GetResult();
            }
            catch (WebServerException e)
            {
                throw new UserFacingException(e.Message);
            }
            error.WriteLine($"falconet: web server listening on {server.BaseAddress} (health: {web.HealthzEndpoint}{(web.PrometheusMetricsEnabled ? ", metrics: /metrics" : "")})");
        }
        Timer? timer = null;
        if (settings.MetricsEnabled && settings.MetricsOutputRule)
        {
            if (options.MinimumPriority < Priority.Informational)
            {
                error.WriteLine($"falconet: metrics.output_rule needs priority informational or debug (it is {options.MinimumPriority.ToDisplayName().ToLowerInvariant()}): no metrics snapshot alerts");
            }
            else
            {
                timer = new Timer(_ => EmitSnapshot(telemetry, outputs, options.Hostname), null, settings.MetricsInterval, settings.MetricsInterval);
            }
        }
        return new OperationsHost(server, timer);
    }

    private static void EmitSnapshot(RunTelemetry telemetry, OutputDispatcher outputs, string hostname)
    {
        ulong nowNs = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        outputs.TryEnqueue(InternalAlerts.Create(nowNs, Priority.Informational, InternalAlerts.MetricsSnapshotRule,
            "Falco metrics snapshot", telemetry.SnapshotFields(), hostname));
    }

    /// <summary>Stops the snapshot timer first, so no snapshot is queued after the outputs close.</summary>
    public void StopSnapshots() => _metricsTimer?.Dispose();

    public void Dispose()
    {
        using (var stopped = new ManualResetEvent(false))
        {
            if (_metricsTimer is not null && _metricsTimer.Dispose(stopped))
            {
                stopped.WaitOne(TimeSpan.FromSeconds(2));
            }
        }
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
