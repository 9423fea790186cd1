using System.IO.Compression;
using System.Text.RegularExpressions;
using Falconet.TestKit;

namespace Falconet.Cli.Tests;

/// <summary>The command as a user meets it: help, argument errors, missing and broken captures, configuration errors, listings.</summary>
public sealed partial class CliBasicsTests
{
    [Fact]
    public void HelpPrintsUsageAndSucceeds()
    {
        ProcessResult run = FalconetProcess.Run("--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Usage:", run.StandardOutput);
        Assert.Contains("-r", run.StandardOutput);
        Assert.Contains("-e", run.StandardOutput);
        Assert.Contains("inspect", run.StandardOutput);
    }

    [Fact]
    public void UnknownOptionIsOneLineAndExitOne()
    {
        ProcessResult run = FalconetProcess.Run("--no-such-option");

        Assert.True(run.ExitCode == 1, run.ToString());
        string line = Assert.Single(run.ErrorLines);
        Assert.Contains("--no-such-option", line);
        Assert.Equal("", run.StandardOutput);
    }

    [Fact]
    public void MissingCaptureIsOneLineNamingTheFile()
    {
        using var temp = new TempDirectory();
        string missing = temp.File("missing.scap");

        ProcessResult run = FalconetProcess.Run("-e", missing);

        Assert.True(run.ExitCode == 1, run.ToString());
        string line = Assert.Single(run.ErrorLines);
        Assert.Equal($"falconet: cannot open capture {missing}: no such file", line);
        Assert.Equal("", run.StandardOutput);
    }

    [Fact]
    public void TruncatedCapturePrintsTheAlertsBeforeTheCutThenTheOffset()
    {
        SharedData.SkipIfAbsent();
        using var temp = new TempDirectory();
        byte[] plain = Decompress(SharedData.Capture("curl_google"));
        // Both seed-rule alerts of curl_google come from events in the first half of the capture; a cut 10 bytes
        // before the end falls inside the last event block.
        int cut = plain.Length - 10;
        string truncated = temp.File("truncated.scap");
        File.WriteAllBytes(truncated, plain[..cut]);

        ProcessResult run = FalconetProcess.Run("-r", SharedData.Rules("seed_rule.yaml"), "-e", truncated,
            "-o", "json_output=true", "-o", "rule_matching=all");

        Assert.True(run.ExitCode == 1, run.ToString());
        string expected = File.ReadAllText(SharedData.Expected("seed_rule", "curl_google.jsonl"));
        List<AlertDifference> differences = AlertMultiset.Compare(expected, run.StandardOutput);
        Assert.True(differences.Count == 0, AlertMultiset.Describe(differences) + run);
        string last = run.ErrorLines[^1];
        Assert.Contains(Path.GetFileName(truncated), last);
        Match offset = ByteOffset().Match(last);
        Assert.True(offset.Success, "no byte offset in: " + last);
        long at = long.Parse(offset.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(at, 0, cut);
        Assert.DoesNotContain("   at ", run.StandardError);
    }

    [Fact]
    public void BadRuleMatchingValueIsAClearConfigurationError()
    {
        ProcessResult run = FalconetProcess.Run("-o", "rule_matching=bogus", "--dry-run");

        Assert.True(run.ExitCode == 1, run.ToString());
        string line = Assert.Single(run.ErrorLines);
        Assert.Contains("rule_matching", line);
        Assert.Contains("bogus", line);
    }

    [Fact]
    public void ListContainsFieldsOfEveryClass()
    {
        ProcessResult run = FalconetProcess.Run("--list");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"(?m)^\s*fd\.sip\b", run.StandardOutput);
        Assert.Matches(@"(?m)^\s*proc\.name\b", run.StandardOutput);
        Assert.Matches(@"(?m)^\s*evt\.type\b", run.StandardOutput);
    }

    [Fact]
    public void DescribeOneBuiltInRule()
    {
        ProcessResult run = FalconetProcess.Run("-l", "Unexpected outbound connection destination");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Unexpected outbound connection destination", run.StandardOutput);
        Assert.Contains("outbound", run.StandardOutput);
    }

    [Fact]
    public void DescribeOneBuiltInRuleAsJson()
    {
        ProcessResult run = FalconetProcess.Run("-l", "Unexpected outbound connection destination", "-o", "json_output=true");

        Assert.True(run.ExitCode == 0, run.ToString());
        System.Text.Json.Nodes.JsonArray rules = System.Text.Json.Nodes.JsonNode.Parse(run.StandardOutput)!["rules"]!.AsArray();
        Assert.Equal("Unexpected outbound connection destination", Assert.Single(rules)!["info"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void DescribeAnUnknownRuleIsOneLineAndExitOne()
    {
        ProcessResult run = FalconetProcess.Run("-l", "No such rule here");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("No such rule here", Assert.Single(run.ErrorLines));
    }

    private static byte[] Decompress(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return plain.ToArray();
    }

    [GeneratedRegex(@"offset (\d+)")]
    private static partial Regex ByteOffset();
}
