using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Falconet.Host;
using Falconet.TestKit;

namespace Falconet.Operations.Tests;

/// <summary><c>webserver.ssl_enabled</c>: the server presents the certificate of <c>ssl_certificate</c> (one PEM with the key), signed by a test CA.</summary>
public sealed class WebServerTlsTests
{
    [Fact]
    public void HttpsServesHealthWithTheConfiguredCertificate()
    {
        using var dir = new TempDirectory();
        using RSA caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Falconet Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using X509Certificate2 leaf = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);
        string pem = dir.File("falco.pem");
        File.WriteAllText(pem, leaf.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        string capture = dir.File("sample.scap");
        SampleCapture.Write(capture);

        string? presented = null;
        HttpClient Client()
        {
            var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    presented = cert!.Thumbprint;
                    return chain.Build(cert);
                },
            };
            return new HttpClient(handler);
        }

        ReplayRun.Result run = ReplayRun.Run(capture, [.. ReplayRun.WebServerOn, "webserver.ssl_enabled=true", "webserver.ssl_certificate=" + pem], Client);

        Assert.Equal("https", run.Scraped!.BaseAddress.Scheme);
        Assert.Equal(200, run.Scraped.HealthStatus);
        Assert.Equal(leaf.Thumbprint, presented);
        Assert.NotNull(run.Scraped.Metrics);
    }

    [Fact]
    public void AMissingCertificateIsAOneLineUserError()
    {
        using var dir = new TempDirectory();
        string capture = dir.File("sample.scap");
        SampleCapture.Write(capture);
        UserFacingException e = Assert.Throws<UserFacingException>(() =>
            ReplayRun.Run(capture, [.. ReplayRun.WebServerOn, "webserver.ssl_enabled=true", "webserver.ssl_certificate=" + dir.File("none.pem")]));
        Assert.StartsWith("webserver.ssl_certificate: cannot load", e.Message, StringComparison.Ordinal);
    }
}
