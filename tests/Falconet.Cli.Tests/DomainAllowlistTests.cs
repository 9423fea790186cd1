using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Falconet.TestKit;

namespace Falconet.Cli.Tests;

/// <summary>
/// The flagship rule's domain half on a real capture: curl_google.scap holds curl's DNS answer for www.google.com
/// (2607:f8b0:4004:802::2004), so an allowed name silences the HTTP connection's alert and leaves the DNS one.
/// </summary>
public sealed class DomainAllowlistTests
{
    private const string Flagship = "Unexpected outbound connection destination";
    private const string HttpServer = "2607:f8b0:4004:802::2004";

    private static string AllowDomains(TempDirectory temp, params string[] domains)
    {
        string path = temp.File("allow.yaml");
        File.WriteAllText(path, $"""
            - list: allowed_outbound_destination_domains
              items: [{string.Join(", ", domains.Select(d => "\"" + d + "\""))}]
              override:
                items: append
            """);
        return path;
    }

    private static List<JsonElement> Alerts(ProcessResult run) =>
        run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .Where(a => a.GetProperty("rule").GetString() == Flagship)
            .ToList();

    private static string ServerOf(JsonElement alert)
    {
        string name = alert.GetProperty("output_fields").GetProperty("fd.name").GetString()!;
        string server = name[(name.IndexOf("->", StringComparison.Ordinal) + 2)..];
        return server[..server.LastIndexOf(':')];
    }

    /// <summary>A loopback UDP port with nothing behind it: the resolver's queries go nowhere but loopback.</summary>
    private static string DeadServer()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return "[\"127.0.0.1:" + ((IPEndPoint)socket.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture) + "\"]";
    }

    private static ProcessResult Replay(string allowFile, params string[] extra) =>
        FalconetProcess.Run([
            "-r", SharedData.Rules("seed_rule.yaml"), "-r", allowFile, "-e", SharedData.Capture("curl_google"),
            "-o", "json_output=true", .. extra]);

    [Theory]
    [InlineData("*.google.com")]
    [InlineData("www.google.com")]
    [InlineData("WWW.Google.com.")]
    [InlineData("**.google.com")]
    public void An_observed_name_that_is_allowed_silences_the_http_connection_only(string allowed)
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();

        ProcessResult run = Replay(AllowDomains(temp, allowed));

        Assert.True(run.ExitCode == 0, run.ToString());
        JsonElement alert = Assert.Single(Alerts(run));
        Assert.Equal("2001:4860:4860::8888", ServerOf(alert));
    }

    [Theory]
    [InlineData("*.www.google.com")]
    [InlineData("google.com")]
    [InlineData("*.com")]
    public void A_name_or_pattern_that_does_not_cover_the_observed_name_keeps_both_alerts(string allowed)
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();

        ProcessResult run = Replay(AllowDomains(temp, allowed));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["2001:4860:4860::8888", HttpServer], Alerts(run).Select(ServerOf).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("*.google.com")]
    [InlineData("www.google.com")]
    public void Compat_falco_resolves_instead_and_with_nothing_reachable_both_alerts_remain(string allowed)
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();

        ProcessResult run = Replay(AllowDomains(temp, allowed), "--compat", "falco", "-o", "dns.servers=" + DeadServer(),
            "-o", "dns.startup_timeout_ms=200");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["2001:4860:4860::8888", HttpServer], Alerts(run).Select(ServerOf).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_output_prints_the_observed_name_of_the_server()
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();
        string rules = temp.File("names.yaml");
        File.WriteAllText(rules, """
            - rule: Connection with names
              desc: prints the server's observed name
              condition: evt.type = connect and fd.sport = 80
              output: server_name=%fd.sip.name remote_name=%fd.rip.name client_name=%fd.cip.name
              priority: NOTICE
            """);

        ProcessResult run = FalconetProcess.Run("-r", rules, "-e", SharedData.Capture("curl_google"), "-o", "json_output=true");

        Assert.True(run.ExitCode == 0, run.ToString());
        JsonElement alert = JsonDocument.Parse(Assert.Single(run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        JsonElement fields = alert.GetProperty("output_fields");
        Assert.Equal("www.google.com", fields.GetProperty("fd.sip.name").GetString());
        Assert.Equal("www.google.com", fields.GetProperty("fd.rip.name").GetString());
        Assert.Equal(JsonValueKind.Null, fields.GetProperty("fd.cip.name").ValueKind);
    }

    [Fact]
    public void A_thousand_listed_domains_with_the_server_down_start_within_the_timeout_and_evaluate_events()
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();
        string allow = AllowDomains(temp, [.. Enumerable.Range(0, 1000).Select(i => $"host{i}.example.test")]);

        ProcessResult run = Replay(allow, "-o", "dns.mode=resolve", "-o", "dns.servers=" + DeadServer(), "-o", "dns.startup_timeout_ms=500");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.ErrorLines, l => l.StartsWith("falconet: dns: ", StringComparison.Ordinal) && l.Contains("1002 listed names", StringComparison.Ordinal));
        Assert.Equal(2, Alerts(run).Count);
    }

    [Theory]
    [InlineData("fd.sip.name contains google", "fd.*ip.name filter only supports '=' and '!=' operators")]
    [InlineData("fd.sip.name startswith www", "fd.*ip.name filter only supports '=' and '!=' operators")]
    public void Other_operators_on_a_domain_field_are_load_errors(string condition, string message)
    {
        using var temp = new TempDirectory();
        string rules = temp.File("bad.yaml");
        File.WriteAllText(rules, $"""
            - rule: bad
              desc: bad
              condition: evt.type = connect and {condition}
              output: x
              priority: NOTICE
            """);

        ProcessResult run = FalconetProcess.Run("-V", rules);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(message, run.StandardOutput + run.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dns.mode=sometimes", "dns.mode")]
    [InlineData("dns.servers=[\"not-an-address\"]", "dns.servers")]
    [InlineData("compat=sysdig", "compat")]
    public void Bad_dns_configuration_is_one_line_naming_the_key(string setting, string key)
    {
        ProcessResult run = FalconetProcess.Run("-o", setting, "--dry-run");

        Assert.True(run.ExitCode == 1, run.ToString());
        string line = Assert.Single(run.ErrorLines);
        Assert.Contains("configuration key " + key, line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_wildcard_loads_with_a_warning_and_never_matches()
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();

        ProcessResult run = Replay(AllowDomains(temp, "www.*.com"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("'www.*.com' is not a valid domain pattern", run.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, Alerts(run).Count);
    }
}
