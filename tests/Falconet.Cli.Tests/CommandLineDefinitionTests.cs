using System.CommandLine;
using System.Text;
using Falconet.Host;
using Falconet.TestKit;

namespace Falconet.Cli.Tests;

/// <summary>The grammar in-process: what the options map to, without starting a process.</summary>
public sealed class CommandLineDefinitionTests
{
    [Fact]
    public void RepeatedOptionsAndAReplayParse()
    {
        RootCommand root = CommandLineDefinition.Build(new ConsoleStreams(TextWriter.Null, TextWriter.Null, Stream.Null), CancellationToken.None);

        ParseResult parsed = root.Parse(["-r", "a.yaml", "-r", "b.yaml", "-e", "x.scap", "-o", "json_output=true", "-o", "rule_matching=all"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(["a.yaml", "b.yaml"], parsed.GetValue<string[]>("-r") ?? []);
        Assert.Equal(["json_output=true", "rule_matching=all"], parsed.GetValue<string[]>("-o") ?? []);
        Assert.Equal("x.scap", parsed.GetValue<string?>("-e"));
    }

    [Fact]
    public void UnknownOptionIsAParseError()
    {
        RootCommand root = CommandLineDefinition.Build(new ConsoleStreams(TextWriter.Null, TextWriter.Null, Stream.Null), CancellationToken.None);

        Assert.NotEmpty(root.Parse(["--no-such-option"]).Errors);
    }

    [Fact]
    public void InvokedReplayPrintsFalcosAlertsOnTheAlertStream()
    {
        SharedData.SkipIfAbsent();
        var alerts = new MemoryStream();
        var error = new StringWriter();
        RootCommand root = CommandLineDefinition.Build(new ConsoleStreams(new StringWriter(), error, alerts), CancellationToken.None);

        int exitCode = root.Parse(["-r", SharedData.Rules("seed_rule.yaml"), "-e", SharedData.Capture("test_ipv6_client"),
            "-o", "json_output=true", "-o", "rule_matching=all"]).Invoke();

        Assert.True(exitCode == 0, error.ToString());
        string expected = File.ReadAllText(SharedData.Expected("seed_rule", "test_ipv6_client.jsonl"));
        List<AlertDifference> differences = AlertMultiset.Compare(expected, Encoding.UTF8.GetString(alerts.ToArray()));
        Assert.True(differences.Count == 0, AlertMultiset.Describe(differences));
        Assert.NotEmpty(AlertMultiset.Canonical(expected));
    }
}
