using Falconet.TestKit;

namespace Falconet.Conformance.Tests;

/// <summary>
/// The fields issue 9 added (thread.cpu*, proc.aenv, fdlist.*, evt.abspath*, fd.is_upper_layer/is_lower_layer,
/// evt.type.is in outputs), the procinfo events rules now see and evt.res by the "res" parameter, end to end against
/// Falco 0.44.1: <c>falconet -r NewFields/new_fields.yaml -e CAPTURE -o json_output=true -o rule_matching=all</c>
/// prints the alerts Falco printed, on the shared captures and on <see cref="PathFieldsCapture"/>. The expected
/// files (NewFields/CAPTURE.jsonl) were recorded once with the Falco build in ../shared/peer:
/// <c>falco-peer --no-suggested -r new_fields.yaml -e CAPTURE -o json_output=true -o rule_matching=all</c>, the
/// generated capture written by this test with FALCONET_KEEP_CAPTURE=PATH set.
/// </summary>
public sealed class NewFieldsConformanceTests
{
    private static string Here(string name) => Path.Combine(AppContext.BaseDirectory, "NewFields", name);

    public static TheoryData<string> Captures() => [.. SharedData.CaptureNames];

    [Theory]
    [MemberData(nameof(Captures))]
    public void SharedCapturesAlertAsFalco(string capture)
    {
        SharedData.SkipIfAbsent();
        AssertAlertsEqual(SharedData.Capture(capture), Here(capture + ".jsonl"));
    }

    [Fact]
    public void GeneratedPathCaptureAlertsAsFalco()
    {
        using var dir = new TempDirectory();
        string path = dir.File("paths.scap");
        PathFieldsCapture.Write(path);
        if (Environment.GetEnvironmentVariable("FALCONET_KEEP_CAPTURE") is { Length: > 0 } keep)
        {
            File.Copy(path, keep, overwrite: true);
        }
        AssertAlertsEqual(path, Here("paths.jsonl"));
    }

    private static void AssertAlertsEqual(string capture, string expectedFile)
    {
        RunOutput run = InProcessFalconet.Replay(Here("new_fields.yaml"), capture);
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr:\n{run.Error}");
        string expected = File.ReadAllText(expectedFile);
        Assert.NotEmpty(AlertMultiset.Canonical(expected));
        List<AlertDifference> differences = AlertMultiset.Compare(expected, run.Alerts);
        Assert.True(differences.Count == 0, AlertMultiset.Describe(differences));
    }
}
