using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Falconet.Core.Alerts;
using Falconet.Host;
using Falconet.Host.Configuration;
using Falconet.Outputs;
using Falconet.Outputs.Sinks;
using Falconet.TestKit;

namespace Falconet.Fuzz.Tests;

/// <summary>The claims of docs/security.md that a test can check.</summary>
public sealed class SecurityTests
{
    private static FormattedAlert Alert(string output) =>
        new AlertFormatter(new AlertFormatOptions()).Format(new Alert(1_700_000_000_000_000_000UL, Priority.Warning, "r", output, "{}", "syscall", [], "host"));

    [Fact]
    public void Program_output_gets_alert_text_on_stdin_and_never_through_the_shell()
    {
        using var dir = new TempDirectory();
        string received = dir.File("received.txt");
        string marker = dir.File("pwned");
        // An attacker controls field values (file names, command lines): shell syntax in them must stay text.
        string hostile = $"opened $(touch {marker}1) `touch {marker}2` ; touch {marker}3 | touch {marker}4 && touch {marker}5 '\"";
        using (var sink = new ProgramAlertSink(new ProgramOutputOptions { Program = $"cat >> '{received}'" }))
        {
            sink.Emit(Alert(hostile));
        }
        Assert.EndsWith(hostile, File.ReadAllText(received).TrimEnd('\n'), StringComparison.Ordinal);
        for (int i = 1; i <= 5; i++)
        {
            Assert.False(File.Exists(marker + i), "the shell ran part of the alert text");
        }
    }

    [Fact]
    public void The_built_in_configuration_verifies_TLS_and_enables_no_network_output()
    {
        ConfigTree defaults = ConfigTree.Parse(EmbeddedDefaults.ConfigYaml, "<builtin>");
        Assert.False(defaults.GetBool("http_output.insecure", false));
        Assert.False(defaults.GetBool("http_output.enabled", false));
        Assert.False(defaults.GetBool("program_output.enabled", false));
        Assert.False(defaults.GetBool("nats_output.enabled", false));
    }

    /// <summary>A TLS server on 127.0.0.1 with a self-signed certificate, answering one HTTP request with 200.</summary>
    private sealed class SelfSignedServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly X509Certificate2 _certificate;
        private readonly Task _serve;

        public SelfSignedServer(string pemPath)
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=falconet-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
            File.WriteAllText(pemPath, created.ExportCertificatePem());
            _listener.Start();
            _serve = Task.Run(ServeAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        private async Task ServeAsync()
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
                using (client)
                using (var tls = new SslStream(client.GetStream()))
                {
                    try
                    {
                        await tls.AuthenticateAsServerAsync(_certificate);
                        var buffer = new byte[65536];
                        int read = await tls.ReadAsync(buffer);
                        if (read > 0 && Encoding.ASCII.GetString(buffer, 0, read).StartsWith("POST ", StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref _requests);
                            await tls.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
                        }
                    }
                    catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
                    {
                        // The client refused the certificate.
                    }
                }
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _serve.Wait(TimeSpan.FromSeconds(10));
            _certificate.Dispose();
        }
    }

    [Fact]
    public async Task HTTP_output_verifies_the_server_certificate_by_default()
    {
        using var dir = new TempDirectory();
        string pem = dir.File("server.pem");
        using var server = new SelfSignedServer(pem);
        string url = $"https://127.0.0.1:{server.Port}/alerts";
        CancellationToken token = TestContext.Current.CancellationToken;

        // Default: the self-signed certificate is refused and nothing is posted.
        await using (var verifying = new HttpAlertSink(new HttpOutputOptions { Url = url }))
        {
            await Assert.ThrowsAsync<AlertSinkException>(() => verifying.EmitBatchAsync([Alert("a")], token));
        }
        Assert.Equal(0, server.Requests);

        // Trusted as a CA (http_output.ca_cert): delivered.
        await using (var trusting = new HttpAlertSink(new HttpOutputOptions { Url = url, CaCert = pem }))
        {
            await trusting.EmitBatchAsync([Alert("b")], token);
        }
        Assert.Equal(1, server.Requests);

        // Only http_output.insecure turns verification off.
        await using (var insecure = new HttpAlertSink(new HttpOutputOptions { Url = url, Insecure = true }))
        {
            await insecure.EmitBatchAsync([Alert("c")], token);
        }
        Assert.Equal(2, server.Requests);
    }
}
