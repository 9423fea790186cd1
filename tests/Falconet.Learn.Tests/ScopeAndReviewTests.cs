using Falconet.TestKit;

namespace Falconet.Learn.Tests;

/// <summary>Narrower scopes as flagship-rule exceptions, --diff, the summary table and the command's errors.</summary>
public sealed class ScopeAndReviewTests
{
    private static EgressCapture CurlOnly() => new EgressCapture()
        .ConnectByName("curl", "api.example.net", "198.51.100.7")
        .ConnectByAddress("curl", "203.0.113.40", 8443);

    [Fact]
    public void Process_scope_allows_the_destination_for_the_process_that_reached_it_only()
    {
        using var temp = new TempDirectory();
        string learning = temp.File("learning.scap");
        CurlOnly().Write(learning);
        string learned = temp.File("learned.yaml");
        string text = LearnRun.LearnFile(learned, "-e", learning, "--scope", "process");
        Assert.Contains("fields: [container.id, proc.name, fd.sip.name, fd.sport]", text, StringComparison.Ordinal);
        Assert.Contains("- ['\"host\"', '\"curl\"', '\"api.example.net\"', 443]", text, StringComparison.Ordinal);
        Assert.Contains("- ['\"host\"', '\"curl\"', '\"203.0.113.40\"', 8443]", text, StringComparison.Ordinal);
        Assert.Contains("exceptions: append", text, StringComparison.Ordinal);
        Assert.DoesNotContain("- list:", text, StringComparison.Ordinal);
        LearnRun.AssertValid(learned);

        string enforcing = temp.File("enforcing.scap");
        CurlOnly()
            .ConnectByName("wget", "api.example.net", "198.51.100.7")
            .ConnectByName("curl", "api.example.net", "198.51.100.7", port: 80)
            .Write(enforcing);
        var alerts = LearnRun.FlagshipAlerts(enforcing, learned);
        // wget is another process; port 80 is another port; curl's own connections stay allowed.
        Assert.Equal(["wget 192.0.2.53:53", "wget 198.51.100.7:443", "curl 198.51.100.7:80"],
            alerts.Select(a => LearnRun.Field(a, "proc.cmdline") + " " + LearnRun.Field(a, "fd.name").Split("->")[1]));

        string hostWide = temp.File("host.yaml");
        LearnRun.LearnFile(hostWide, "-e", learning);
        // Host-wide lists have no workload and no port: the same traffic is allowed.
        Assert.Empty(LearnRun.FlagshipAlerts(enforcing, hostWide));

        // --check judges each connection: curl's to api.example.net:443 is allowed, wget's is not.
        ProcessResult check = LearnRun.Learn("--check", learned, "-e", enforcing);
        Assert.True(check.ExitCode == LearnCommand.WouldAlert, check.ToString());
        Assert.Matches(@"\s2\s+198\.51\.100\.7:443\s+api\.example\.net\s+curl,wget\s+1 of 2 would alert", check.StandardOutput);
        Assert.Contains("3 of 7 outbound connections", check.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_shows_what_is_new_since_the_last_allowlist()
    {
        using var temp = new TempDirectory();
        string first = temp.File("first.scap");
        CurlOnly().Write(first);
        string old = temp.File("old.yaml");
        LearnRun.LearnFile(old, "-e", first);

        string second = temp.File("second.scap");
        new EgressCapture()
            .ConnectByName("curl", "api.example.net", "198.51.100.7")
            .ConnectByName("curl", "cdn.example.org", "198.51.100.9")
            .Write(second);
        ProcessResult diff = LearnRun.Learn("-e", second, "--diff", old);
        Assert.True(diff.ExitCode == 0, diff.ToString());
        string[] lines = diff.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines, l => l.StartsWith("+ ", StringComparison.Ordinal));
        Assert.StartsWith("+ allowed_outbound_destination_domains: cdn.example.org    # first ", lines.Single(l => l.StartsWith("+ ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("- allowed_outbound_destination_ipaddrs: 203.0.113.40    # in old.yaml, not learned this time", lines);
        Assert.Equal("1 new, 2 unchanged, 0 covered by old.yaml's wildcards or networks, 1 not learned this time", lines[^1]);
    }

    [Fact]
    public void The_summary_table_lists_destinations_by_count_with_process_and_decision()
    {
        using var temp = new TempDirectory();
        string capture = temp.File("table.scap");
        new EgressCapture()
            .ConnectByName("curl", "api.example.net", "198.51.100.7")
            .ConnectByName("curl", "api.example.net", "198.51.100.7")
            .ConnectByAddress("wget", "8.8.8.8")
            .Write(capture);
        ProcessResult run = LearnRun.Learn("-e", capture, "-w", temp.File("learned.yaml"));
        Assert.True(run.ExitCode == 0, run.ToString());
        string[] lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^COUNT\s+DESTINATION\s+NAME\s+PROCESSES\s+DECISION$", lines[0]);
        Assert.Matches(@"^\s*2\s+192\.0\.2\.53:53\s+-\s+curl\s+address 192\.0\.2\.53$", lines[1]);
        Assert.Matches(@"^\s*2\s+198\.51\.100\.7:443\s+api\.example\.net\s+curl\s+domain api\.example\.net$", lines[2]);
        // 8.8.8.8 is in the built-in allowed_outbound_destination_ipaddrs: observed, not added.
        Assert.Matches(@"^\s*1\s+8\.8\.8\.8:443\s+-\s+wget\s+already allowed$", lines[3]);
        Assert.DoesNotContain("8.8.8.8\"", File.ReadAllText(temp.File("learned.yaml")), StringComparison.Ordinal);

        ProcessResult top = LearnRun.Learn("-e", capture, "-w", temp.File("top.yaml"), "--top", "1");
        string[] topLines = top.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, topLines.Length);
        Assert.Equal("… 2 more destinations (3 connections)", topLines[2]);
    }

    [Fact]
    public void Image_scope_names_host_processes_by_container_id()
    {
        using var temp = new TempDirectory();
        string capture = temp.File("c.scap");
        CurlOnly().Write(capture);
        string learned = temp.File("image.yaml");
        string text = LearnRun.LearnFile(learned, "-e", capture, "--scope", "image");
        Assert.Contains("fields: [container.id, fd.sip.name, fd.sport]", text, StringComparison.Ordinal);
        Assert.Contains("- ['\"host\"', '\"api.example.net\"', 443]", text, StringComparison.Ordinal);
        LearnRun.AssertValid(learned);
        Assert.Empty(LearnRun.FlagshipAlerts(capture, learned));
    }

    [Fact]
    public void A_missing_public_suffix_list_is_a_clear_error()
    {
        using var temp = new TempDirectory();
        string capture = temp.File("c.scap");
        CurlOnly().Write(capture);
        ProcessResult run = LearnRun.Learn("-e", capture, "-w", temp.File("x.yaml"), "--public-suffix-list", temp.File("absent.dat"));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"falconet: the public-suffix list {temp.File("absent.dat")} is missing: install Debian's 'publicsuffix' package (apt-get install publicsuffix); learn mode needs it to never generalise above a registrable domain",
            run.StandardError.Trim());
        Assert.False(File.Exists(temp.File("x.yaml")));
    }

    [Fact]
    public void The_debian_public_suffix_list_is_installed()
    {
        // .ci/run installs it; without it learn mode refuses to run.
        Oracle.Require(File.Exists(PublicSuffixList.DefaultPath), PublicSuffixList.DefaultPath + " is missing (apt-get install publicsuffix)");
        PublicSuffixList list = PublicSuffixList.Load();
        Assert.True(list.IsPublicSuffix("co.uk"));
        Assert.True(list.IsPublicSuffix("com"));
        Assert.True(list.IsPublicSuffix("s3.amazonaws.com"));
        Assert.False(list.IsPublicSuffix("google.com"));
        Assert.Equal("bbc.co.uk", list.RegistrableDomain("www.bbc.co.uk"));
        Assert.Equal("google.com", list.RegistrableDomain("www.google.com"));
        Assert.Null(list.RegistrableDomain("co.uk"));
    }

    [Fact]
    public void Public_suffix_wildcards_and_exceptions_follow_the_list_format()
    {
        PublicSuffixList list = PublicSuffixList.Parse("// comment\nuk\nco.uk\n*.ck\n!www.ck\n");
        Assert.True(list.IsPublicSuffix("anything.ck"));
        Assert.False(list.IsPublicSuffix("www.ck"));
        Assert.Equal("www.ck", list.RegistrableDomain("a.www.ck"));
        Assert.Equal("x.anything.ck", list.RegistrableDomain("a.x.anything.ck"));
    }

    [Theory]
    [InlineData(new[] { "-e", "X" }, "learn: say where to write the allowlist (-w FILE), or give --diff OLD.yaml or --check ALLOWLIST.yaml")]
    [InlineData(new[] { "-e", "X", "-M", "5", "-w", "o.yaml" }, "learn: -M is for live learning; -e captures are read to their end")]
    [InlineData(new[] { "-e", "X", "-w", "o.yaml", "--ipv4-prefix", "4" }, "learn: --ipv4-prefix 4 must be between 8 and 32")]
    [InlineData(new[] { "-e", "X", "-w", "o.yaml", "--min-siblings", "1" }, "learn: --min-siblings 1 must be at least 2")]
    [InlineData(new[] { "-e", "X", "--check", "absent.yaml" }, "learn: file not found: absent.yaml")]
    public void Bad_arguments_are_one_line_errors(string[] arguments, string message)
    {
        using var temp = new TempDirectory();
        ProcessResult run = FalconetProcess.RunIn(temp.Path, ["learn", .. arguments]);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("falconet: " + message, run.StandardError.Trim());
    }

    [Fact]
    public void Rules_without_the_outbound_macro_are_refused()
    {
        using var temp = new TempDirectory();
        string rules = temp.File("rules.yaml");
        File.WriteAllText(rules, "- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n");
        string capture = temp.File("c.scap");
        CurlOnly().Write(capture);
        ProcessResult run = LearnRun.Learn("-r", rules, "-e", capture, "-w", temp.File("o.yaml"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the loaded rules define no 'outbound' macro", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void The_outbound_macro_is_the_loaded_one()
    {
        // A local file narrows the macro to port 443: connections to other ports are not outbound, so not learned.
        using var temp = new TempDirectory();
        string narrow = temp.File("narrow.yaml");
        File.WriteAllText(narrow, "- macro: outbound\n  condition: and fd.sport = 443\n  override:\n    condition: append\n");
        string capture = temp.File("c.scap");
        CurlOnly().Write(capture);
        string text = LearnRun.LearnFile(temp.File("o.yaml"), "-r", "<builtin>", "-r", narrow, "-e", capture);
        Assert.Contains("\"api.example.net\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.40", text, StringComparison.Ordinal);
        Assert.DoesNotContain("192.0.2.53", text, StringComparison.Ordinal);
    }
}
