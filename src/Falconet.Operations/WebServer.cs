using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Falconet.Operations;

/// <summary>
/// Falco's web server on Kestrel: <c>GET</c> of the health endpoint, <c>/versions</c> and, when enabled,
/// <c>/metrics</c>. Requests run on the thread pool and only read the <see cref="IOperationsView"/>, so a scrape
/// never waits on, nor stalls, the event loop.
/// </summary>
public sealed class WebServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the server listens (the real port when <see cref="WebServerOptions.ListenPort"/> was 0).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Binds and starts serving; a bad address, a port in use or an unreadable certificate is a <see cref="WebServerException"/>.</summary>
    public static async Task<WebServer> StartAsync(WebServerOptions options, IOperationsView view)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(view);
        if (!IPAddress.TryParse(options.ListenAddress, out IPAddress? address))
        {
            throw new WebServerException($"webserver.listen_address: '{options.ListenAddress}' is not an IP address");
        }
        if (options.ListenPort is < 0 or > 65535)
        {
            throw new WebServerException($"webserver.listen_port: {options.ListenPort} is not a port");
        }
        X509Certificate2? certificate = options.SslEnabled ? LoadCertificate(options.SslCertificate) : null;

        // The empty builder reads no appsettings, environment or command line: only the falco.yaml keys configure it.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(address, options.ListenPort, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        WebApplication app = builder.Build();
        app.Run(context => HandleAsync(context, options, view));
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new WebServerException($"web server: cannot listen on {options.ListenAddress}:{options.ListenPort}: {e.Message}");
        }
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new WebServer(app, new Uri(bound.Replace("[::]", "[::1]", StringComparison.Ordinal)));
    }

    private static X509Certificate2 LoadCertificate(string path)
    {
        try
        {
            // Falco's falco.pem holds the certificate and its key in one file.
            using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(path, path);
            // Exported and re-imported so the key is usable by SslStream on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new WebServerException($"webserver.ssl_certificate: cannot load {path}: {e.Message}");
        }
    }

    private static Task HandleAsync(HttpContext context, WebServerOptions options, IOperationsView view)
    {
        HttpResponse response = context.Response;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }
        string path = context.Request.Path.Value ?? "/";
        if (path == options.HealthzEndpoint)
        {
            HealthReport health = view.GetHealth();
            response.StatusCode = health.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            response.ContentType = "application/json";
            var body = new Dictionary<string, string> { ["status"] = health.Status };
            if (health.Reason is not null)
            {
                body["reason"] = health.Reason;
            }
            return response.WriteAsync(JsonSerializer.Serialize(body));
        }
        if (path == "/versions")
        {
            response.ContentType = "application/json";
            return response.WriteAsync(view.GetVersionsJson());
        }
        if (path == "/metrics" && options.PrometheusMetricsEnabled)
        {
            var text = new StringBuilder(8192);
            view.WriteMetrics(new PrometheusTextWriter(text));
            response.ContentType = PrometheusTextWriter.ContentType;
            return response.WriteAsync(text.ToString());
        }
        response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    /// <summary>Stops listening; requests under way get a moment to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
