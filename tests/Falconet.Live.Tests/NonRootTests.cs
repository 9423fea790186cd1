using Falconet.TestKit;

namespace Falconet.Live.Tests;

/// <summary>Live capture as an unprivileged user: one clear line, exit code 1, no stack trace.</summary>
public sealed class NonRootTests
{
    [Fact]
    public void Live_capture_as_nobody_fails_with_one_line_and_exit_code_1()
    {
        HostTools.SkipUnlessRootWithBtf();
        using var copy = new TempDirectory();
        // The build output may sit under a directory nobody cannot enter (e.g. /root); run a world-readable copy.
        foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory))
        {
            File.Copy(file, copy.File(Path.GetFileName(file)));
        }
        HostTools.Check("chmod", "-R", "a+rX", copy.Path);
        string dotnet = HostTools.Which("dotnet") ?? throw new InvalidOperationException("dotnet is not on PATH");
        CommandResult result = HostTools.Run("env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "DOTNET_NOLOGO=1",
            "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
            dotnet, copy.File("falconet.dll"), "-M", "1");
        string[] lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(result.ExitCode == 1, $"expected exit code 1: {result}");
        Assert.True(lines.Length == 1, $"expected one line on stderr: {result}");
        Assert.StartsWith("falconet: live capture needs root", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("", result.StandardOutput);
    }
}
