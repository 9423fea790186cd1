using Falconet.TestKit;

namespace Falconet.Learn.Tests;

/// <summary>
/// The benchmark capture of docs/performance.md (10,000 destinations), learned: the output's entries are as
/// documented there, it validates, and the capture replays without a flagship alert. Nothing here is timed.
/// </summary>
public sealed class TenThousandDestinationsTests
{
    [Fact]
    public void Ten_thousand_destinations_learn_into_the_documented_entries()
    {
        using var temp = new TempDirectory();
        string capture = temp.File("egress-10k.scap");
        EgressCapture.TenThousandDestinations().Write(capture);
        string learned = temp.File("learned.yaml");
        ProcessResult run = LearnRun.Learn("-e", capture, "-w", learned);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("falconet: learn: wrote " + learned + ": 617 entries (600 domains of which 600 wildcards, 1 addresses, 16 networks) for 10000 destinations; 0 already allowed",
            run.StandardError, StringComparison.Ordinal);
        string text = File.ReadAllText(learned);
        Assert.Contains("# 15999 outbound connections to 10000 destinations", text, StringComparison.Ordinal);
        Assert.Contains("- \"*.svc599.example.org\"", text, StringComparison.Ordinal);
        Assert.Contains("- '\"198.19.15.0/24\"'", text, StringComparison.Ordinal);
        Assert.Matches(@"… 9960 more destinations \(9960 connections\)", run.StandardOutput);
        LearnRun.AssertValid(learned);
        Assert.Empty(LearnRun.FlagshipAlerts(capture, learned));

        // Kept for the benchmark figure when asked (FALCONET_LEARN_BENCH_DIR): the same capture, for timing by hand.
        if (Environment.GetEnvironmentVariable("FALCONET_LEARN_BENCH_DIR") is { Length: > 0 } keep)
        {
            File.Copy(capture, Path.Combine(keep, "egress-10k.scap"), overwrite: true);
        }
    }
}
