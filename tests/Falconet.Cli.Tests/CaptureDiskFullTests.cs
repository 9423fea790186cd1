using System.Diagnostics;
using Falconet.TestKit;

namespace Falconet.Cli.Tests;

/// <summary>
/// A recording that runs out of disk: on a 128 KiB tmpfs the test mounts (root), <c>falconet capture</c> stops with a
/// one-line error naming the file and exit code 1, and the file keeps every complete block: sysdig and Falconet read
/// it to a clean end.
/// </summary>
public sealed class CaptureDiskFullTests
{
    private static void Mount(string directory)
    {
        Oracle.Require(Environment.IsPrivilegedProcess, "mounting a small tmpfs needs root");
        Run("mount", "-t", "tmpfs", "-o", "size=128k", "falconet-test-full", directory);
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using Process process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {errors}");
    }

    [Fact]
    public void A_full_disk_is_a_clear_error_and_the_file_stays_readable()
    {
        SharedData.SkipIfAbsent();
        SysdigTool.Require();
        using var temp = new TempDirectory();
        string mountPoint = temp.File("full");
        Directory.CreateDirectory(mountPoint);
        Mount(mountPoint);
        try
        {
            string output = Path.Combine(mountPoint, "out.scap");
            // curl_google re-writes to 157 kB (59 kB of state blocks, then events): it cannot fit.
            ProcessResult run = FalconetProcess.Run("capture", "-e", SharedData.Capture("curl_google"), "-w", output);

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains($"cannot write capture file {output}", run.StandardError, StringComparison.Ordinal);
            Assert.Contains("No space left on device", run.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
            long size = new FileInfo(output).Length;
            Assert.True(size is > 0 and <= 128 * 1024, $"file of {size} bytes");
            Assert.Equal(0, size % 4);

            // Cut at a block boundary: both readers reach a clean end, with events.
            string[] lines = SysdigTool.Read(output, "*%evt.num %evt.type", null, "-D");
            Assert.NotEmpty(lines);
            ProcessResult inspect = FalconetProcess.Run("inspect", output, "-p", "%evt.num");
            Assert.True(inspect.ExitCode == 0, inspect.ToString());
            Assert.NotEmpty(inspect.StandardOutput.Trim());
        }
        finally
        {
            Run("umount", mountPoint);
        }
    }
}
