using System.Globalization;
using System.Text.RegularExpressions;
using Falconet.TestKit;

namespace Falconet.Live.Tests;

/// <summary>
/// Faults of a live run (issue 14): the ring buffer overflowing while the consumer is stopped (drops counted in the
/// summary, Falco's "syscall event drop" internal alert and log line, no crash), and SIGTERM in the middle of live
/// capture (the alerts of the events before it are all delivered, the summary printed, an orderly exit).
/// </summary>
public sealed partial class LiveFaultTests
{
    private static readonly TimeSpan s_pollLimit = TimeSpan.FromSeconds(60);
    private const string DropRule = "Falco internal: syscall event drop";

    /// <summary>A rules file with one rule on opens under <paramref name="directory"/>.</summary>
    private static string MarkerRules(TempDirectory scratch, string directory)
    {
        string rules = scratch.File("marker-rules.yaml");
        File.WriteAllText(rules, $"""
            - rule: Marker file opened
              desc: a file of the test's directory opened
              condition: evt.type in (open, openat, openat2) and evt.dir = < and fd.name startswith {directory}/
              output: marker opened (file=%fd.name proc=%proc.name)
              priority: WARNING
            """);
        return rules;
    }

    private static string Describe(LiveFalconet falconet) =>
        $"\n{falconet.CommandLine}\nalerts: {falconet.Alerts.Count}\nstderr:\n{falconet.StandardError}";

    /// <summary>The summary's "Kernel events: P produced, R received, D dropped (F ring full, O other), U undecodable".</summary>
    [GeneratedRegex(@"Kernel events: (\d+) produced, (\d+) received, (\d+) dropped \((\d+) ring full, (\d+) other\), (\d+) undecodable")]
    private static partial Regex KernelEventsLine();

    [Fact]
    public void A_ring_buffer_overflow_is_counted_alerted_and_survived()
    {
        HostTools.SkipUnlessRootWithBtf();
        using var scratch = new TempDirectory();
        // The smallest ring (buf_size_preset 1 = 1 MiB) and a consumer stopped by SIGSTOP while this process opens
        // /dev/null 200 000 times: 400 000 openat and close records, tens of MB, cannot fit; the kernel side counts
        // what it could not reserve, and the first drop check after SIGCONT sees a drop ratio far above 10 %.
        using LiveFalconet falconet = LiveFalconet.Start("-r", MarkerRules(scratch, scratch.Path), "-o", "engine.modern_ebpf.buf_size_preset=1");
        string pid = falconet.Pid.ToString(CultureInfo.InvariantCulture);
        HostTools.Check("kill", "-STOP", pid);
        try
        {
            for (int i = 0; i < 200_000; i++)
            {
                using Microsoft.Win32.SafeHandles.SafeFileHandle handle = File.OpenHandle("/dev/null");
            }
        }
        finally
        {
            HostTools.Check("kill", "-CONT", pid);
        }
        ReceivedAlert? drop = falconet.WaitForAlert(a => a.Rule == DropRule, s_pollLimit);
        Assert.True(drop is not null, "no syscall event drop alert." + Describe(falconet));
        Assert.Equal("Debug", drop.Json.GetProperty("priority").GetString());
        Assert.Equal("internal", drop.Json.GetProperty("source").GetString());
        Assert.Matches(@"^Falco internal: syscall event drop\. \d+ system calls dropped in last second\.$", drop.Json.GetProperty("output").GetString() ?? "");
        long nDrops = drop.Field("n_drops").GetInt64();
        long nEvents = drop.Field("n_evts").GetInt64();
        Assert.True(nDrops > 0 && nDrops * 10 > nEvents, $"n_drops {nDrops} of n_evts {nEvents}: {drop.Line}");
        Assert.True(drop.Field("n_drops_buffer_total").GetInt64() > 0, drop.Line);
        // After the drops, detection goes on: a marker open still alerts. Right after SIGCONT the ring may still be
        // full of the storm's records, so an open then can itself be dropped: open again (bounded) until one alerts.
        string marker = scratch.File("after-the-overflow");
        ReceivedAlert? after = null;
        for (int attempt = 0; attempt < 10 && after is null; attempt++)
        {
            File.WriteAllText(marker, "x");
            after = falconet.WaitForAlert(a => a.Text("fd.name") == marker, TimeSpan.FromSeconds(3));
        }
        Assert.True(after is not null, "no alert for an open after the overflow." + Describe(falconet));

        Assert.Equal(0, falconet.Stop());
        string stderr = falconet.StandardError;
        Assert.Contains("falconet: Falco internal: syscall event drop. ", stderr, StringComparison.Ordinal);
        Match kernel = KernelEventsLine().Match(stderr);
        Assert.True(kernel.Success, "no kernel events line in the summary." + Describe(falconet));
        ulong produced = ulong.Parse(kernel.Groups[1].Value, CultureInfo.InvariantCulture);
        ulong received = ulong.Parse(kernel.Groups[2].Value, CultureInfo.InvariantCulture);
        ulong dropped = ulong.Parse(kernel.Groups[3].Value, CultureInfo.InvariantCulture);
        ulong ringFull = ulong.Parse(kernel.Groups[4].Value, CultureInfo.InvariantCulture);
        ulong other = ulong.Parse(kernel.Groups[5].Value, CultureInfo.InvariantCulture);
        // At least what the alert reported was lost to a full ring, and every produced record is accounted for.
        Assert.True(ringFull >= (ulong)drop.Field("n_drops_buffer_total").GetInt64(), kernel.Value);
        Assert.Equal(dropped, ringFull + other);
        Assert.Equal(produced, received + dropped);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SIGTERM_during_live_capture_delivers_the_alerts_before_it_and_prints_the_summary()
    {
        HostTools.SkipUnlessRootWithBtf();
        using var scratch = new TempDirectory();
        string directory = Directory.CreateDirectory(scratch.File("marked")).FullName;
        using LiveFalconet falconet = LiveFalconet.Start("-r", MarkerRules(scratch, directory));
        const int opens = 300;
        for (int i = 0; i < opens; i++)
        {
            File.WriteAllText(Path.Combine(directory, i.ToString(CultureInfo.InvariantCulture)), "x");
        }
        // SIGTERM right away: some of the opens may still be in the ring or the output queue; all must come out.
        falconet.SendTerm();
        // Falconet gives its shutdown 5 s and then exits 143 with one line, so exit 0 is an orderly stop within
        // that deadline; the test's own bound only keeps a broken build from hanging it.
        Assert.True(falconet.WaitForExit(TimeSpan.FromMinutes(1)), "no exit within a minute of SIGTERM." + Describe(falconet));
        Assert.True(falconet.ExitCode == 0, $"exit {falconet.ExitCode}." + Describe(falconet));
        string stderr = falconet.StandardError;
        Match kernel = KernelEventsLine().Match(stderr);
        Assert.True(kernel.Success, "no summary." + Describe(falconet));
        Assert.Contains("Events detected: ", stderr, StringComparison.Ordinal);
        ulong dropped = ulong.Parse(kernel.Groups[3].Value, CultureInfo.InvariantCulture);
        int marked = falconet.Alerts.Count(a => a.Text("fd.name") is string name && name.StartsWith(directory + "/", StringComparison.Ordinal));
        // Every open before the signal alerts, unless the kernel dropped its record (counted; none on a quiet ring).
        Assert.InRange((ulong)marked, opens - Math.Min(dropped, opens), (ulong)opens);
        Match stdoutLine = Regex.Match(stderr, @"stdout: (\d+) delivered, (\d+) failed");
        if (stdoutLine.Success)
        {
            Assert.Equal(falconet.Alerts.Count, int.Parse(stdoutLine.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        // Nothing was left in the output queue when the run ended (verbose, -v, prints the outputs line).
        Match outputsLine = Regex.Match(stderr, @"Outputs: (\d+) queued, (\d+) dropped \(queue full\), (\d+) discarded at shutdown");
        Assert.True(outputsLine.Success, "no outputs line." + Describe(falconet));
        Assert.Equal("0", outputsLine.Groups[2].Value);
        Assert.Equal("0", outputsLine.Groups[3].Value);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
