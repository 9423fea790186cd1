using System.Diagnostics;

namespace Falconet.Cli.Tests;

/// <summary>What one run of the built command printed.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string[] ErrorLines => StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>
/// Runs the built <c>falconet</c> command as a user does: a separate process (<c>dotnet falconet.dll</c>, the same
/// build the test references), with its real exit code, stdout and stderr.
/// </summary>
public static class FalconetProcess
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    public static ProcessResult Run(params string[] arguments) => RunIn(AppContext.BaseDirectory, arguments);

    public static ProcessResult RunIn(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "falconet.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"falconet {string.Join(' ', arguments)} did not finish within {s_timeout}");
        }
        return new ProcessResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
