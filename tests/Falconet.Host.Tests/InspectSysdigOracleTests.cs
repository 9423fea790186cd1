using System.Diagnostics;
using Falconet.TestKit;

namespace Falconet.Host.Tests;

/// <summary>
/// sysdig 0.29.3 as an independent oracle for the decoder: `inspect` must list exactly the exit events of the
/// network, file and exec calls that sysdig lists, by their position in the file.
/// </summary>
public sealed class InspectSysdigOracleTests
{
    private const string EventTypes = "connect,sendto,open,openat,execve";

    public static TheoryData<string> Captures => [.. SharedData.CaptureNames];

    [Theory]
    [MemberData(nameof(Captures))]
    public void ExitEventNumbersEqualSysdigs(string capture)
    {
        SharedData.SkipIfAbsent();
        Oracle.Require(File.Exists("/usr/bin/sysdig"), "sysdig is not installed (apt-get install -y sysdig); .ci/run installs it");
        string path = SharedData.Capture(capture);

        List<long> expected = RunSysdig(path);

        var output = new StringWriter();
        int rc = InspectCommand.Run(new InspectRequest
        {
            CapturePath = path,
            Format = "%evt.num",
            Filter = $"evt.type in ({EventTypes})",
            FileNumbers = true,
        }, new ConsoleStreams(output, new StringWriter(), Stream.Null), CancellationToken.None);
        Assert.Equal(ExitCodes.Success, rc);
        List<long> actual = Parse(output.ToString());

        expected.Sort();
        actual.Sort();
        Assert.Equal(expected, actual);
    }

    private static List<long> RunSysdig(string path)
    {
        var psi = new ProcessStartInfo("/usr/bin/sysdig")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { "-r", path, "-p", "%evt.num", $"evt.dir=< and evt.type in ({EventTypes})" })
        {
            psi.ArgumentList.Add(arg);
        }
        using Process sysdig = Process.Start(psi)!;
        Task<string> stderr = sysdig.StandardError.ReadToEndAsync();
        string stdout = sysdig.StandardOutput.ReadToEnd();
        sysdig.WaitForExit();
        Assert.True(sysdig.ExitCode == 0, "sysdig failed: " + stderr.Result);
        return Parse(stdout);
    }

    private static List<long> Parse(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse)];
}
