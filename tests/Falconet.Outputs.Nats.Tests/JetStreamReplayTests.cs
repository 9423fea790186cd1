using System.Text.Json.Nodes;
using Falconet.Host;
using Falconet.TestKit;

namespace Falconet.Outputs.Nats.Tests;

/// <summary>A whole detection, configured through falco.yaml keys, publishing into JetStream for a consumer.</summary>
public sealed class JetStreamReplayTests
{
    [Fact]
    public async Task Replaying_curl_google_delivers_both_alerts_to_a_consumer_as_falco_json()
    {
        NatsServerProcess.SkipIfAbsent();
        SharedData.SkipIfAbsent();
        using TempDirectory store = new();
        using NatsServerProcess server = await NatsServerProcess.StartAsync(store.Path);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var request = new RunRequest
        {
            CaptureFile = SharedData.Capture("curl_google"),
            RulesPaths = [SharedData.Rules("seed_rule.yaml")],
            Verbose = true,
            Overrides =
            [
                "json_output=true", "rule_matching=all", "dns.mode=observed", "stdout_output.enabled=false",
                "nats_output.enabled=true", "nats_output.url=" + server.Url, "nats_output.jetstream.enabled=true",
            ],
        };
        int rc = FalconetCommands.Run(request, new ConsoleStreams(stdout, stderr, new MemoryStream()), CancellationToken.None);
        Assert.True(rc == 0, stderr.ToString());
        TestContext.Current.SendDiagnosticMessage(stderr.ToString());
        Assert.True(stderr.ToString().Contains("nats: 2 delivered, 0 failed", StringComparison.Ordinal), stderr.ToString());

        List<StoredAlert> stored = await StreamContents.ReadAllAsync(server.Url, "FALCONET", "falconet.alerts.>");
        Assert.Equal(2, stored.Count);
        Assert.All(stored, s => Assert.Equal("falconet.alerts.notice.Unexpected_outbound_connection_destination", s.Subject));
        string[] expected = [.. File.ReadAllLines(SharedData.Expected("seed_rule", "curl_google.jsonl")).Where(l => l.Length > 0)];
        for (int i = 0; i < expected.Length; i++)
        {
            JsonObject actual = JsonNode.Parse(stored[i].Json)!.AsObject();
            Assert.False(string.IsNullOrEmpty(actual["hostname"]?.GetValue<string>()));
            actual.Remove("hostname"); // the recording removed it
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected[i]), actual), "alert " + i + ": " + actual.ToJsonString() + "\nexpected " + expected[i]);
        }
    }

    [Theory]
    [InlineData("nats_output.jetstream.buffer_size=0", "nats_output.jetstream.buffer_size")]
    [InlineData("nats_output.jetstream.stream=A.B", "nats_output.jetstream.stream")]
    [InlineData("nats_output.jetstream.storage=disk", "nats_output.jetstream.storage")]
    public void Bad_jetstream_keys_are_one_line_config_errors(string option, string key)
    {
        SharedData.SkipIfAbsent();
        var request = new RunRequest
        {
            CaptureFile = SharedData.Capture("curl_google"),
            Overrides = ["dns.mode=observed", "nats_output.enabled=true", "nats_output.jetstream.enabled=true", option],
        };
        // The command line prints a UserFacingException as one line, without a stack trace.
        UserFacingException error = Assert.ThrowsAny<UserFacingException>(
            () => FalconetCommands.Run(request, new ConsoleStreams(new StringWriter(), new StringWriter(), new MemoryStream()), CancellationToken.None));
        Assert.StartsWith(key, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
