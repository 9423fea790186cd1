namespace Falconet.Outputs.Sinks;

/// <summary>The <c>http_output</c> keys.</summary>
public sealed record HttpOutputOptions
{
    /// <summary><c>http_output.url</c>: where each alert is POSTed. Surrounding quotes are removed, as Falco does.</summary>
    public string Url { get; init; } = "";

    /// <summary><c>http_output.user_agent</c>.</summary>
    public string UserAgent { get; init; } = "falcosecurity/falco";

    /// <summary><c>http_output.insecure</c> (false): accept any server certificate.</summary>
    public bool Insecure { get; init; }

    /// <summary><c>http_output.ca_cert</c>: a PEM file of trusted roots; replaces the system roots when set.</summary>
    public string? CaCert { get; init; }

    /// <summary><c>http_output.ca_bundle</c>: a PEM bundle of trusted roots; replaces the system roots when set.</summary>
    public string? CaBundle { get; init; }

    /// <summary>
    /// <c>http_output.ca_path</c> (<c>/etc/ssl/certs</c>): a folder of PEM roots, used only together with
    /// ca_cert/ca_bundle (the default folder is the system store, which .NET already uses).
    /// </summary>
    public string? CaPath { get; init; }

    /// <summary><c>http_output.mtls</c> (false): present <see cref="ClientCert"/>/<see cref="ClientKey"/>.</summary>
    public bool Mtls { get; init; }

    /// <summary><c>http_output.client_cert</c> (<c>/etc/ssl/certs/client.crt</c>), PEM.</summary>
    public string ClientCert { get; init; } = "/etc/ssl/certs/client.crt";

    /// <summary><c>http_output.client_key</c> (<c>/etc/ssl/certs/client.key</c>), PEM.</summary>
    public string ClientKey { get; init; } = "/etc/ssl/certs/client.key";

    /// <summary>
    /// <c>http_output.echo</c> (false): Falco prints each response body on stdout. Here the host supplies the
    /// writer (outputs never touch the console); null = not echoed.
    /// </summary>
    public Action<string>? Echo { get; init; }

    /// <summary><c>http_output.compress_uploads</c> (false): gzip the body (<c>Content-Encoding: gzip</c>).</summary>
    public bool CompressUploads { get; init; }

    /// <summary><c>http_output.keep_alive</c> (false): reuse the connection; otherwise <c>Connection: close</c>.</summary>
    public bool KeepAlive { get; init; }

    /// <summary>
    /// <c>http_output.max_consecutive_timeouts</c> (5): an alert whose POST times out is retried until this many
    /// attempts in a row have timed out. Other failures (refused, non-2xx) are not retried.
    /// </summary>
    public int MaxConsecutiveTimeouts { get; init; } = 5;

    /// <summary>
    /// <c>http_output.retries</c> (3; Falconet's key, Falco does not retry): how many times an alert is POSTed again
    /// after an answer that may pass (5xx, 408, 429) or a failed connection. Other 4xx answers are not retried. Once
    /// one alert of a batch has used all its retries the server counts as down, and the batch's remaining alerts get
    /// one attempt each, so a dead server costs one round of backoff per batch, not per alert.
    /// </summary>
    public int Retries { get; init; } = 3;

    /// <summary>
    /// <c>http_output.retry_backoff_ms</c> (100): the wait before the first retry; each further retry waits twice as
    /// long, up to <see cref="RetryBackoffMax"/>.
    /// </summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary><c>http_output.retry_backoff_max_ms</c> (2000): the longest wait between two attempts.</summary>
    public TimeSpan RetryBackoffMax { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Time allowed for one POST (not a falco.yaml key).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
