using System.Diagnostics;
using Falconet.Enforcement;

namespace Falconet.Live.Tests;

/// <summary>
/// A cgroup v2 directory of the test's own under the machine's cgroup v2 mount, and processes started in it:
/// a shell writes its pid to cgroup.procs and then execs the command, so the command runs inside from its first
/// instruction. Removed on dispose (its processes are gone by then).
/// </summary>
public sealed class TestCgroup : IDisposable
{
    public TestCgroup()
    {
        Mount = CgroupV2.FindMount();
        Path = System.IO.Path.Join(Mount, "falconet-test-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
    }

    /// <summary>The cgroup v2 mount (hybrid layouts: its unified mount).</summary>
    public string Mount { get; }

    /// <summary>The test cgroup's directory.</summary>
    public string Path { get; }

    /// <summary>Runs <paramref name="file"/> in the cgroup to its end.</summary>
    public CommandResult Run(string file, params string[] arguments) =>
        HostTools.Run("/bin/sh", ["-c", "echo $$ > \"$0\" && exec \"$@\"", System.IO.Path.Join(Path, "cgroup.procs"), file, .. arguments]);

    /// <summary>Starts <paramref name="file"/> in the cgroup with stdin and stdout redirected; the caller owns it.</summary>
    public Process Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["-c", "echo $$ > \"$0\" && exec \"$@\"", System.IO.Path.Join(Path, "cgroup.procs"), file, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start) ?? throw new InvalidOperationException("could not start " + file);
    }

    public void Dispose()
    {
        // rmdir succeeds once no process is left in it; a killed child may take a moment to be reaped.
        for (int attempt = 0; attempt < 50 && Directory.Exists(Path); attempt++)
        {
            try
            {
                Directory.Delete(Path);
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
