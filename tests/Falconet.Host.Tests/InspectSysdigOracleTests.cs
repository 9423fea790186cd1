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

    /// <summary>
    /// Pairs where sysdig 0.29 and Falco 0.44.1 agree on every value (elsewhere the newer libs differ, e.g. on mmap's
    /// fd), so the lines and which events have none test the <c>-p</c> rule: without a leading <c>*</c> an event lacking
    /// any field of the format is left out; with it, missing values print <c>&lt;NA&gt;</c>.
    /// </summary>
    public static TheoryData<string, string> PrintFormats => new()
    {
        { "cat_write", "%evt.num %proc.name %fd.cip %fd.cport" },
        { "connect_localhost", "%evt.num %proc.name %fd.cip %fd.cport" },
        { "open-multiple-files", "%evt.num %proc.name %fd.cip %fd.cport" },
        { "syscall", "%evt.num %proc.name %fd.cip %fd.cport" },
        { "test_ipv6_client", "%evt.num %proc.name %fd.cip %fd.cport" },
        { "connect_localhost", "%evt.num %evt.type %fd.sport" },
        { "open-multiple-files", "%evt.num %fd.num %fd.type %fd.typechar" },
        { "syscall", "%evt.num %fd.num %fd.type %fd.typechar" },
        { "connect_localhost", "%evt.num %evt.type %fd.filename" },
        { "open-multiple-files", "%evt.num %evt.type %fd.filename" },
        { "syscall", "%evt.num %evt.type %fd.filename" },
        { "cat_write", "*%evt.num %proc.name %fd.cip %fd.cport" },
        { "connect_localhost", "*%evt.num %proc.name %fd.cip %fd.cport" },
        { "syscall", "*%evt.num %proc.name %fd.cip %fd.cport" },
        { "test_ipv6_client", "*%evt.num %proc.name %fd.cip %fd.cport" },
        { "connect_localhost", "*%evt.num %evt.type %fd.filename" },
        { "syscall", "*%evt.num %evt.type %fd.filename" },
    };

    [Theory]
    [MemberData(nameof(PrintFormats))]
    public void PrintFormatLinesEqualSysdigs(string capture, string format)
    {
        SharedData.SkipIfAbsent();
        Oracle.Require(File.Exists("/usr/bin/sysdig"), "sysdig is not installed (apt-get install -y sysdig); .ci/run installs it");
        string path = SharedData.Capture(capture);
        // sysdig prints enter events too; compare on the events inspect considers (exit and meta events).
        HashSet<string> considered = [.. Lines(Inspect(path, "*%evt.num")).Distinct()];
        List<string> expected = [.. Lines(RunSysdigLines(path, format)).Where(line => considered.Contains(line.Split(' ')[0]))];
        List<string> actual = Lines(Inspect(path, format));

        if (format.StartsWith('*'))
        {
            Assert.Equal(considered.Count, actual.Count);
        }
        else
        {
            Assert.True(actual.Count < considered.Count, "the format should leave some events out");
        }
        expected.Sort(StringComparer.Ordinal);
        actual.Sort(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
    }

    private static string Inspect(string path, string format)
    {
        var output = new StringWriter();
        int rc = InspectCommand.Run(new InspectRequest { CapturePath = path, Format = format, FileNumbers = true },
            new ConsoleStreams(output, new StringWriter(), Stream.Null), CancellationToken.None);
        Assert.Equal(ExitCodes.Success, rc);
        return output.ToString();
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private static string RunSysdigLines(string path, string format)
    {
        var psi = new ProcessStartInfo("/usr/bin/sysdig")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { "-r", path, "-p", format })
        {
            psi.ArgumentList.Add(arg);
        }
        using Process sysdig = Process.Start(psi)!;
        Task<string> stderr = sysdig.StandardError.ReadToEndAsync();
        string stdout = sysdig.StandardOutput.ReadToEnd();
        sysdig.WaitForExit();
        Assert.True(sysdig.ExitCode == 0, "sysdig failed: " + stderr.Result);
        return stdout;
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
