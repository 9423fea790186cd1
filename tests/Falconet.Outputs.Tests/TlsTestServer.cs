using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Falconet.Outputs.Tests;

/// <summary>
/// A Kestrel HTTPS server on 127.0.0.1, its certificate issued for 127.0.0.1 by a CA made for the test (written as a
/// PEM file for <c>http_output.ca_cert</c>). <see cref="Answer"/> decides each response from the request's number.
/// </summary>
internal sealed class TlsTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private TlsTestServer(WebApplication app, string caPem)
    {
        _app = app;
        CaPemFile = caPem;
    }

    /// <summary>Bodies of the requests answered 2xx, in arrival order.</summary>
    public ConcurrentQueue<string> Accepted { get; } = new();

    /// <summary>Every request's number (1-based) and the status it got.</summary>
    public ConcurrentQueue<(int Number, int Status)> Log { get; } = new();

    /// <summary>The status for request number N (1-based); 200 unless a test says otherwise.</summary>
    public Func<int, int> Answer { get; set; } = _ => 200;

    /// <summary>When set, requests wait on this before being answered (a hung server).</summary>
    public TaskCompletionSource? Hang { get; set; }

    public string CaPemFile { get; }

    public string Url { get; private set; } = "";

    public static async Task<TlsTestServer> StartAsync(string folder)
    {
        using RSA caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Falconet HTTP Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 issued = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [5, 6, 7, 8]);
        // Through PKCS#12 so the key is usable by SslStream on every platform.
        X509Certificate2 leaf = X509CertificateLoader.LoadPkcs12(issued.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);
        string caPem = Path.Combine(folder, "test-ca.pem");
        await File.WriteAllTextAsync(caPem, ca.ExportCertificatePem() + "\n");

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(leaf)));
        WebApplication app = builder.Build();
        var server = new TlsTestServer(app, caPem);
        app.MapPost("/alerts", server.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = address.Replace("http://", "https://", StringComparison.Ordinal).TrimEnd('/') + "/alerts";
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        int n = Interlocked.Increment(ref _requests);
        if (Hang is { } hang)
        {
            await hang.Task.WaitAsync(context.RequestAborted);
        }
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync(context.RequestAborted);
        int status = Answer(n);
        Log.Enqueue((n, status));
        if (status is >= 200 and < 300)
        {
            Accepted.Enqueue(body);
        }
        context.Response.StatusCode = status;
    }

    public async ValueTask DisposeAsync()
    {
        Hang?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
