using System.Collections.Concurrent;
using Falconet.TestKit;

namespace Falconet.Cli.Tests;

/// <summary>
/// <c>falconet capture -e</c> through the built command: every shared capture re-written (plain and gzip) reads back
/// in sysdig and in Falconet exactly like the original; a filtered re-write is self-consistent; limits and rotation
/// produce complete files.
/// </summary>
public sealed class CaptureCommandTests
{
    private const string Columns = "*%evt.num %evt.type %evt.dir %proc.name %fd.name %fd.sip %evt.res";
    internal const string FlagshipRule = "Unexpected outbound connection destination";
    private static readonly ConcurrentDictionary<(string Capture, string Rules), string> s_originalAlerts = new();

    public static TheoryData<string, bool> Rewrites()
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in SharedData.CaptureNames)
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    private static string Alerts(string capture, string? rules)
    {
        string[] rulesArgs = rules is null ? [] : ["-r", SharedData.Rules(rules)];
        ProcessResult run = FalconetProcess.Run([.. rulesArgs, "-e", capture, "-o", "json_output=true", "-o", "rule_matching=all"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.StandardOutput;
    }

    private static string OriginalAlerts(string name, string? rules) =>
        s_originalAlerts.GetOrAdd((name, rules ?? "<builtin>"), key => Alerts(SharedData.Capture(key.Capture), rules));

    private static void AssertSameAlerts(string expected, string actual, string what)
    {
        List<AlertDifference> differences = AlertMultiset.Compare(expected, actual);
        Assert.True(differences.Count == 0, what + ": " + AlertMultiset.Describe(differences));
    }

    private static ProcessResult Capture(params string[] arguments)
    {
        ProcessResult run = FalconetProcess.Run(["capture", .. arguments]);
        return run;
    }

    [Theory]
    [MemberData(nameof(Rewrites))]
    public void A_rewritten_capture_reads_back_in_sysdig_and_falconet_like_the_original(string name, bool gzip)
    {
        SharedData.SkipIfAbsent();
        SysdigTool.Require();
        using var temp = new TempDirectory();
        string output = temp.File(name + (gzip ? ".scap.gz" : ".scap"));

        ProcessResult run = Capture(gzip ? ["-z", "-e", SharedData.Capture(name), "-w", output] : ["-e", SharedData.Capture(name), "-w", output]);

        Assert.True(run.ExitCode == 0, run.ToString());
        byte[] head = File.ReadAllBytes(output)[..2];
        Assert.Equal(gzip, head[0] == 0x1F && head[1] == 0x8B);
        // -D: internal events too, so empty.scap (no visible event) still compares its events.
        string[] original = SysdigTool.Read(SharedData.Capture(name), Columns, null, "-D");
        string[] again = SysdigTool.Read(output, Columns, null, "-D");
        Assert.NotEmpty(original);
        Assert.Equal(original, again);
        foreach (string rules in new[] { "seed_rule.yaml", "field_battery.yaml" })
        {
            AssertSameAlerts(OriginalAlerts(name, rules), Alerts(output, rules), $"{name} with {rules}");
        }
    }

    [Fact]
    public void A_filtered_rewrite_keeps_the_matching_events_with_the_state_they_need()
    {
        SharedData.SkipIfAbsent();
        SysdigTool.Require();
        using var temp = new TempDirectory();
        string output = temp.File("connect_sendto.scap");
        const string Filter = "evt.type in (connect, sendto)";

        ProcessResult run = Capture("-e", SharedData.Capture("curl_google"), "-w", output, Filter);

        Assert.True(run.ExitCode == 0, run.ToString());
        // sysdig shows exactly the matching events of the original (numbers shift), with their fds and processes
        // resolved as in the original: the state blocks and state-only events carry what they need.
        string[] expected = SysdigTool.Read(SharedData.Capture("curl_google"), Columns, Filter);
        string[] visible = SysdigTool.Read(output, Columns);
        Assert.Equal(12, expected.Length);
        Assert.Equal(expected.Select(SysdigTool.WithoutNumber), visible.Select(SysdigTool.WithoutNumber));
        // Falconet's flagship alerts (built-in rules) are those of the original.
        string original = OriginalAlerts("curl_google", null);
        Assert.Contains(FlagshipRule, original, StringComparison.Ordinal);
        AssertSameAlerts(original, Alerts(output, null), "filtered curl_google");
        // The file is smaller than the original's events: only what matched, plus state.
        Assert.True(new FileInfo(output).Length < new FileInfo(SharedData.Capture("curl_google")).Length * 8, "filtered file is not smaller");
        Assert.Contains("events written to", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Rotation_writes_numbered_files_that_each_read_on_their_own()
    {
        SharedData.SkipIfAbsent();
        SysdigTool.Require();
        using var temp = new TempDirectory();
        string output = temp.File("trace.scap");
        // curl_google re-writes to 157 kB, 59 kB of them state blocks: 80 kB files make a few.
        string name = "curl_google";

        ProcessResult run = Capture("-e", SharedData.Capture(name), "-w", output, "-C", "0.08");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.False(File.Exists(output));
        string[] files = [.. Enumerable.Range(0, 100).Select(i => temp.File($"trace{i}.scap")).TakeWhile(File.Exists)];
        Assert.True(files.Length >= 2, $"expected several files, got {files.Length}: {run}");
        // Every file opens on its own and together they show the original's events in order; each file starts with
        // the state of its first event, so the process and fd columns match too. (Not fd.sip: sysdig cannot tell
        // the server end of an IPv6 socket that comes from a file's fd list rather than from its connect.)
        const string RotationColumns = "*%evt.num %evt.type %evt.dir %proc.name %fd.name %evt.res";
        string[] original = SysdigTool.Read(SharedData.Capture(name), RotationColumns);
        string[] joined = [.. files.SelectMany(f => SysdigTool.Read(f, RotationColumns))];
        Assert.Equal(original.Select(SysdigTool.WithoutNumber), joined.Select(SysdigTool.WithoutNumber));
        foreach (string file in files[..^1])
        {
            // Rotation happens once a file holds 80 kB: none is much larger.
            Assert.InRange(new FileInfo(file).Length, 80_000, 80_000 + 70_000);
        }
    }

    [Fact]
    public void Keeping_only_the_newest_files_deletes_the_oldest()
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();
        string output = temp.File("ring.scap");

        ProcessResult run = Capture("-e", SharedData.Capture("curl_google"), "-w", output, "-C", "0.065", "-W", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        string[] left = [.. Directory.GetFiles(temp.Path, "ring*.scap").Order(StringComparer.Ordinal)];
        Assert.Equal(2, left.Length);
        Assert.False(File.Exists(temp.File("ring0.scap")));
    }

    [Fact]
    public void Event_and_time_limits_end_the_file_early()
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();
        string byCount = temp.File("first100.scap");
        string byTime = temp.File("first-second.scap");

        ProcessResult counted = Capture("-e", SharedData.Capture("curl_google"), "-w", byCount, "-n", "100");
        ProcessResult timed = Capture("-e", SharedData.Capture("curl_google"), "-w", byTime, "-M", "1");

        Assert.True(counted.ExitCode == 0, counted.ToString());
        Assert.Contains("100 of ", counted.StandardError, StringComparison.Ordinal);
        Assert.Equal(100, CountEvents(byCount));
        Assert.True(timed.ExitCode == 0, timed.ToString());
        Assert.Contains("-M 1 s of event time", timed.StandardError, StringComparison.Ordinal);
        Assert.InRange(CountEvents(byTime), 1, CountEvents(SharedData.Capture("curl_google")) - 1);
    }

    private static int CountEvents(string path)
    {
        using ScapReader reader = ScapReader.Open(path);
        var evt = new Core.Events.ScapEvent();
        int count = 0;
        while (reader.TryReadEvent(evt))
        {
            count++;
        }
        return count;
    }

    [Fact]
    public void Bad_arguments_are_one_line_errors()
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();
        ProcessResult badFilter = Capture("-e", SharedData.Capture("curl_google"), "-w", temp.File("x.scap"), "evt.type", "=");
        ProcessResult noRotation = Capture("-e", SharedData.Capture("curl_google"), "-w", temp.File("x.scap"), "-W", "3");
        ProcessResult sameFile = Capture("-e", SharedData.Capture("curl_google"), "-w", SharedData.Capture("curl_google"));
        ProcessResult noDirectory = Capture("-e", SharedData.Capture("curl_google"), "-w", temp.File("missing/x.scap"));

        foreach ((ProcessResult run, string text) in new[] { (badFilter, "invalid filter"), (noRotation, "-W"), (sameFile, "overwrite the input"), (noDirectory, "does not exist") })
        {
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Single(run.ErrorLines);
            Assert.Contains(text, run.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
        }
    }
}
