using Falconet.TestKit;

namespace Falconet.Learn.Tests;

/// <summary>
/// Learning over curl_google.scap (curl resolves www.google.com, then connects over IPv6): the learned file names
/// www.google.com from the observed answer, loads after the built-in rules, and replaying the capture with it
/// gives no flagship alert; --check agrees without alerting.
/// </summary>
public sealed class CurlGoogleLearnTests
{
    private static string Capture => SharedData.Capture("curl_google");

    [Fact]
    public void The_learned_file_names_www_google_com_and_silences_the_replay()
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();
        string learned = temp.File("learned.yaml");

        Assert.NotEmpty(LearnRun.FlagshipAlerts(Capture, temp.File("nothing.yaml").Also(p => File.WriteAllText(p, "[]\n"))));
        string text = LearnRun.LearnFile(learned, "-e", Capture);

        Assert.Contains("- \"www.google.com\"", text, StringComparison.Ordinal);
        // The name, not its address: the HTTP server's address is allowed by the name only.
        Assert.DoesNotContain("2607:f8b0:4004:802::2004\"", text, StringComparison.Ordinal);
        Assert.Matches(@"# first 2018-08-17T17:35:48\.\d{3}Z, last 2018-08-17T17:35:48\.\d{3}Z, 1 connection, processes curl; e\.g\. curl tcp .*->2607:f8b0:4004:802::2004:80", text);
        LearnRun.AssertValid(learned);
        Assert.Empty(LearnRun.FlagshipAlerts(Capture, learned));
    }

    [Fact]
    public void Check_reports_what_would_alert_without_alerting()
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();
        string empty = temp.File("empty.yaml");
        File.WriteAllText(empty, "[]\n");

        ProcessResult before = LearnRun.Learn("--check", empty, "-e", Capture);
        Assert.True(before.ExitCode == LearnCommand.WouldAlert, before.ToString());
        Assert.Contains("2 of 2 outbound connections (2 of 2 destinations) would alert", before.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"\s1\s+\[2607:f8b0:4004:802::2004\]:80\s+www\.google\.com\s+curl\s+would alert", before.StandardOutput);
        Assert.DoesNotContain("{", before.StandardOutput, StringComparison.Ordinal); // no alert output

        string learned = temp.File("learned.yaml");
        LearnRun.LearnFile(learned, "-e", Capture);
        ProcessResult after = LearnRun.Learn("--check", learned, "-e", Capture);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains("0 of 2 outbound connections (0 of 2 destinations) would alert", after.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Learning_after_a_learned_file_finds_nothing_new()
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();
        string learned = temp.File("learned.yaml");
        LearnRun.LearnFile(learned, "-e", Capture);

        string again = LearnRun.LearnFile(temp.File("again.yaml"), "-r", "<builtin>", "-r", learned, "-e", Capture);
        Assert.Contains("2 already allowed by the loaded rules", again, StringComparison.Ordinal);
        Assert.DoesNotContain("www.google.com\"", again, StringComparison.Ordinal);
        Assert.DoesNotContain("2001:4860:4860::8888\"", again, StringComparison.Ordinal);
    }
}
