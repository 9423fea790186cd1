namespace Falconet.Operations;

/// <summary>Falco's <c>webserver</c> section.</summary>
public sealed record WebServerOptions
{
    /// <summary><c>webserver.enabled</c>.</summary>
    public bool Enabled { get; init; } = true;
    /// <summary><c>webserver.listen_address</c>: loopback unless the operator opens it.</summary>
    public string ListenAddress { get; init; } = "127.0.0.1";
    /// <summary><c>webserver.listen_port</c>; 0 picks a free port (see <see cref="WebServer.BaseAddress"/>).</summary>
    public int ListenPort { get; init; } = 8765;
    /// <summary><c>webserver.k8s_healthz_endpoint</c>.</summary>
    public string HealthzEndpoint { get; init; } = "/healthz";
    /// <summary><c>webserver.prometheus_metrics_enabled</c>: serve <c>/metrics</c>.</summary>
    public bool PrometheusMetricsEnabled { get; init; }
    /// <summary><c>webserver.ssl_enabled</c>.</summary>
    public bool SslEnabled { get; init; }
    /// <summary><c>webserver.ssl_certificate</c>: one PEM file holding the certificate and its private key, as Falco's.</summary>
    public string SslCertificate { get; init; } = "/etc/falco/falco.pem";
}
