using System.Diagnostics;

namespace Falconet.TestKit;

/// <summary>
/// sysdig 0.29.3, the independent reader the written captures are checked against. Tests that need it call
/// <see cref="Require"/> (a skip outside CI, a failure under CI=true where .ci/run installs it).
/// </summary>
public static class SysdigTool
{
    public const string Path = "/usr/bin/sysdig";

    public static void Require() =>
        Oracle.Require(File.Exists(Path), "sysdig is not installed (apt-get install -y sysdig); .ci/run installs it");

    /// <summary>
    /// <c>sysdig [options] -r capture -p format [filter]</c>: the printed lines. The run must succeed and print no
    /// error, else the test fails with sysdig's stderr.
    /// </summary>
    public static string[] Read(string capture, string format, string? filter = null, params string[] options)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string option in options)
        {
            start.ArgumentList.Add(option);
        }
        start.ArgumentList.Add("-r");
        start.ArgumentList.Add(capture);
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(format);
        if (filter is not null)
        {
            start.ArgumentList.Add(filter);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start sysdig");
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            Assert.Fail($"sysdig -r {capture} did not finish within 2 minutes");
        }
        string errors = stderr.GetAwaiter().GetResult();
        // -D also logs sysdig's own debug lines on stderr; without it, any stderr output is an error.
        bool debug = options.Contains("-D");
        Assert.True(process.ExitCode == 0 && (debug || errors.Trim().Length == 0), $"sysdig -r {capture} failed ({process.ExitCode}): {errors}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>A line without its first column (the event number, which shifts in a filtered file).</summary>
    public static string WithoutNumber(string line) => line.IndexOf(' ', StringComparison.Ordinal) is var space and >= 0 ? line[(space + 1)..] : line;
}
