using System.Diagnostics;
using Falconet.TestKit;

namespace Falconet.Cli.Tests;

/// <summary>
/// The <c>./falconet</c> launcher rebuilds when it should (deleted or added sources, global.json, eBPF tools installed
/// after a build without the probe) and only then, and two first runs build once. The checks run in a temporary tree
/// with a stub <c>dotnet</c> (Launcher/launcher-test.sh), so no real build happens.
/// </summary>
public sealed class LauncherTests
{
    [Fact]
    public async Task LauncherRebuildsExactlyWhenTheBuildIsStale()
    {
        string script = Path.Combine(SharedData.RepositoryRoot, "tests", "Falconet.Cli.Tests", "Launcher", "launcher-test.sh");
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Path.Combine(SharedData.RepositoryRoot, "falconet"));
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        Task<string> stderrTask = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        string output = await stdout;
        string stderr = await stderrTask;

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{stderr}");
        Assert.Contains("all launcher checks passed", output);
        Assert.DoesNotContain("FAIL", output);
    }
}
