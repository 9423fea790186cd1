using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;

namespace Falconet.Outputs.Sinks;

/// <summary>
/// <c>http_output</c>: one POST per alert, like Falco, with <c>Content-Type: application/json</c> for JSON alerts
/// and <c>text/plain</c> otherwise.
/// </summary>
public sealed class HttpAlertSink : IBatchedAlertSink
{
    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private static readonly MediaTypeHeaderValue s_text = new("text/plain");

    private readonly HttpOutputOptions _options;
    private readonly Uri _url;
    private readonly HttpClient _client;

    /// <summary>Checks the options; <paramref name="handler"/> replaces the default HTTP handler (tests use it).</summary>
    public HttpAlertSink(HttpOutputOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConsecutiveTimeouts, 1);
        if (options.Retries < 0 || options.RetryBackoff < TimeSpan.Zero || options.RetryBackoffMax < options.RetryBackoff)
        {
            throw new ArgumentException("http_output.retries must be 0 or more, and retry_backoff_max_ms at least retry_backoff_ms: "
                + options.Retries + ", " + options.RetryBackoff.TotalMilliseconds + " ms, " + options.RetryBackoffMax.TotalMilliseconds + " ms");
        }
        _options = options;
        string url = options.Url.Trim().Trim('"', '\'');
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("http_output.url is not an http(s) URL: '" + options.Url + "'", nameof(options));
        }
        _url = parsed;
        _client = new HttpClient(handler ?? CreateHandler(options)) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.Clear();
        _client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", options.UserAgent);
    }

    /// <inheritdoc />
    public string Name => "http";

    /// <inheritdoc />
    public async Task EmitBatchAsync(IReadOnlyList<FormattedAlert> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int delivered = 0;
        Exception? firstError = null;
        int retries = _options.Retries;
        foreach (FormattedAlert alert in batch)
        {
            try
            {
                await PostWithRetriesAsync(alert, retries, cancellationToken).ConfigureAwait(false);
                delivered++;
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException or IOException)
            {
                firstError ??= ex;
                retries = 0; // the server is down: the rest of this batch gets one attempt each
            }
        }
        if (firstError is not null)
        {
            throw new AlertSinkException(
                (batch.Count - delivered) + " of " + batch.Count + " alerts not delivered to " + _url + ": " + Describe(firstError),
                delivered, firstError);
        }
    }

    /// <summary>Disposes the HTTP client.</summary>
    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1-based): <paramref name="first"/> doubled for each
    /// retry after the first, never more than <paramref name="max"/>.
    /// </summary>
    public static TimeSpan Backoff(int retry, TimeSpan first, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        double ms = first.TotalMilliseconds * Math.Pow(2, Math.Min(retry - 1, 30));
        return ms >= max.TotalMilliseconds ? max : TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>
    /// Whether a failed POST may pass when sent again: a server error, 408, 429, or no answer at all; not a refused
    /// certificate, which the next attempt would meet again.
    /// </summary>
    public static bool IsRetryable(HttpRequestException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.InnerException is System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
        return error.StatusCode is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            || (int)error.StatusCode >= 500;
    }

    private async Task PostWithRetriesAsync(FormattedAlert alert, int retries, CancellationToken cancellationToken)
    {
        for (int retry = 1; ; retry++)
        {
            try
            {
                await PostAsync(alert, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException ex) when (retry <= retries && IsRetryable(ex))
            {
                await Task.Delay(Backoff(retry, _options.RetryBackoff, _options.RetryBackoffMax), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task PostAsync(FormattedAlert alert, CancellationToken cancellationToken)
    {
        for (int timeouts = 0; ; )
        {
            using CancellationTokenSource attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(_options.RequestTimeout);
            try
            {
                using HttpRequestMessage request = BuildRequest(alert);
                using HttpResponseMessage response = await _client.SendAsync(request, attempt.Token).ConfigureAwait(false);
                string body = await response.Content.ReadAsStringAsync(attempt.Token).ConfigureAwait(false);
                _options.Echo?.Invoke(body);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException("HTTP " + (int)response.StatusCode + " " + response.ReasonPhrase, null, response.StatusCode);
                }
                return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                timeouts++;
                if (timeouts >= _options.MaxConsecutiveTimeouts)
                {
                    throw new TimeoutException(timeouts + " consecutive timeouts (" + _options.RequestTimeout.TotalMilliseconds + " ms each)");
                }
            }
        }
    }

    private HttpRequestMessage BuildRequest(FormattedAlert alert)
    {
        HttpContent content;
        if (_options.CompressUploads)
        {
            using MemoryStream compressed = new();
            using (GZipStream gzip = new(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(alert.Utf8.Span);
            }
            content = new ByteArrayContent(compressed.ToArray());
            content.Headers.ContentEncoding.Add("gzip");
        }
        else
        {
            content = new ReadOnlyMemoryContent(alert.Utf8);
        }
        content.Headers.ContentType = alert.IsJson ? s_json : s_text;
        HttpRequestMessage request = new(HttpMethod.Post, _url) { Content = content };
        if (!_options.KeepAlive)
        {
            request.Headers.ConnectionClose = true;
        }
        return request;
    }

    /// <summary>The message and its innermost cause (the TLS error under "The SSL connection could not be established").</summary>
    private static string Describe(Exception error)
    {
        Exception inner = error;
        while (inner.InnerException is { } next)
        {
            inner = next;
        }
        return ReferenceEquals(inner, error) ? error.Message : error.Message + " (" + inner.Message + ")";
    }

    private static SocketsHttpHandler CreateHandler(HttpOutputOptions options)
    {
        SocketsHttpHandler handler = new()
        {
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        X509Certificate2Collection roots = LoadRoots(options);
        if (options.Insecure)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (roots.Count > 0)
        {
            handler.SslOptions.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                // As curl (Falco's HTTP client) by default: a private CA seldom publishes revocation lists, and an
                // online check would also mean network traffic to wherever the certificate points.
                RevocationMode = X509RevocationMode.NoCheck,
            };
            handler.SslOptions.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }
        if (options.Mtls)
        {
            try
            {
                handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(options.ClientCert, options.ClientKey)];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new ArgumentException("http_output.client_cert/client_key: cannot load '" + options.ClientCert + "' / '" + options.ClientKey + "': " + ex.Message, ex);
            }
        }
        return handler;
    }

    private static X509Certificate2Collection LoadRoots(HttpOutputOptions options)
    {
        X509Certificate2Collection roots = [];
        if (string.IsNullOrEmpty(options.CaCert) && string.IsNullOrEmpty(options.CaBundle))
        {
            return roots;
        }
        ImportPem(roots, options.CaCert, "http_output.ca_cert");
        ImportPem(roots, options.CaBundle, "http_output.ca_bundle");
        if (!string.IsNullOrEmpty(options.CaPath) && Directory.Exists(options.CaPath))
        {
            foreach (string file in Directory.EnumerateFiles(options.CaPath, "*.pem"))
            {
                ImportPem(roots, file, "http_output.ca_path");
            }
        }
        return roots;
    }

    private static void ImportPem(X509Certificate2Collection roots, string? file, string key)
    {
        if (string.IsNullOrEmpty(file))
        {
            return;
        }
        try
        {
            roots.ImportFromPemFile(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ArgumentException(key + ": cannot read certificates from '" + file + "': " + ex.Message, ex);
        }
    }
}
