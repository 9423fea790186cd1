using Falconet.Operations;

namespace Falconet.Host.Configuration;

/// <summary>Falco's <c>webserver</c> and <c>metrics</c> sections, plus Falconet's health thresholds.</summary>
public sealed class OperationsSettings
{
    /// <summary>Reads and checks the keys; a bad value is a <see cref="ConfigException"/> naming the key.</summary>
    public OperationsSettings(ConfigTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        long port = tree.GetInt64("webserver.listen_port", 8765);
        if (port is < 0 or > 65535)
        {
            throw new ConfigException($"configuration key webserver.listen_port: {port} is not a port (0-65535)");
        }
        WebServer = new WebServerOptions
        {
            Enabled = tree.GetBool("webserver.enabled", true),
            ListenAddress = tree.GetString("webserver.listen_address", "127.0.0.1")!,
            ListenPort = (int)port,
            HealthzEndpoint = tree.GetString("webserver.k8s_healthz_endpoint", "/healthz")!,
            PrometheusMetricsEnabled = tree.GetBool("webserver.prometheus_metrics_enabled", false),
            SslEnabled = tree.GetBool("webserver.ssl_enabled", false),
            SslCertificate = tree.GetString("webserver.ssl_certificate", "/etc/falco/falco.pem")!,
        };
        if (!System.Net.IPAddress.TryParse(WebServer.ListenAddress, out _))
        {
            throw new ConfigException($"configuration key webserver.listen_address: '{WebServer.ListenAddress}' is not an IP address");
        }
        if (!WebServer.HealthzEndpoint.StartsWith('/'))
        {
            throw new ConfigException($"configuration key webserver.k8s_healthz_endpoint: '{WebServer.HealthzEndpoint}' must start with '/'");
        }
        ServeDuringReplay = tree.GetBool("webserver.in_replay", false);
        long stallMs = tree.GetInt64("webserver.healthz_stall_timeout_ms", 10000);
        if (stallMs < 100)
        {
            throw new ConfigException($"configuration key webserver.healthz_stall_timeout_ms: {stallMs} must be at least 100");
        }
        StallTimeout = TimeSpan.FromMilliseconds(stallMs);
        MaxDropRatio = tree.GetDouble("webserver.healthz_max_drop_ratio", 0.1);
        if (MaxDropRatio is < 0 or > 1)
        {
            throw new ConfigException($"configuration key webserver.healthz_max_drop_ratio: {MaxDropRatio} must be between 0 and 1");
        }

        MetricsEnabled = tree.GetBool("metrics.enabled", false);
        string interval = tree.GetString("metrics.interval", "1h")!;
        MetricsInterval = ParseDuration(interval)
            ?? throw new ConfigException($"configuration key metrics.interval: '{interval}' is not a duration (a number and ms, s, m, h, d, w or y, e.g. 15m)");
        if (MetricsInterval < TimeSpan.FromMilliseconds(100))
        {
            throw new ConfigException($"configuration key metrics.interval: '{interval}' is below the minimum of 100ms");
        }
        MetricsOutputRule = tree.GetBool("metrics.output_rule", true);
    }

    /// <summary>The <c>webserver</c> keys.</summary>
    public WebServerOptions WebServer { get; }
    /// <summary><c>webserver.in_replay</c> (Falconet): serve during a replay too; Falco serves only live.</summary>
    public bool ServeDuringReplay { get; }
    /// <summary><c>webserver.healthz_stall_timeout_ms</c> (Falconet).</summary>
    public TimeSpan StallTimeout { get; }
    /// <summary><c>webserver.healthz_max_drop_ratio</c> (Falconet).</summary>
    public double MaxDropRatio { get; }
    /// <summary><c>metrics.enabled</c>: the metrics snapshot alerts, and <c>/metrics</c> with the web server's flag.</summary>
    public bool MetricsEnabled { get; }
    /// <summary><c>metrics.interval</c>.</summary>
    public TimeSpan MetricsInterval { get; }
    /// <summary><c>metrics.output_rule</c>: emit <c>Falco internal: metrics snapshot</c> alerts.</summary>
    public bool MetricsOutputRule { get; }

    /// <summary>Falco's duration grammar: a whole number then <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>, <c>w</c> or <c>y</c>.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        int digits = 0;
        while (digits < t.Length && char.IsAsciiDigit(t[digits]))
        {
            digits++;
        }
        if (digits == 0 || !long.TryParse(t.AsSpan(0, digits), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n))
        {
            return null;
        }
        double ms = t[digits..] switch
        {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 604_800_000,
            "y" => 31_536_000_000,
            _ => double.NaN,
        };
        return double.IsNaN(ms) || n * ms > TimeSpan.MaxValue.TotalMilliseconds ? null : TimeSpan.FromMilliseconds(n * ms);
    }
}
