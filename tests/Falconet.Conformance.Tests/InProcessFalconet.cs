using System.Text;
using Falconet.Host;

namespace Falconet.Conformance.Tests;

/// <summary>What one in-process <c>falconet</c> run printed: alerts (stdout stream), results (Out) and diagnostics (Error).</summary>
public sealed record RunOutput(int ExitCode, string Alerts, string Out, string Error);

/// <summary>Runs the same entry point the command line calls, in this process, so the bulk of the acceptance runs fast.</summary>
public static class InProcessFalconet
{
    public static RunOutput Run(RunRequest request)
    {
        var alerts = new MemoryStream();
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode;
        try
        {
            exitCode = FalconetCommands.Run(request, new ConsoleStreams(output, error, alerts), CancellationToken.None);
        }
        catch (UserFacingException e)
        {
            // The CLI prints these as one line and exits with 1; mirror that here.
            error.WriteLine("falconet: " + e.Message);
            exitCode = ExitCodes.Failure;
        }
        return new RunOutput(exitCode, Encoding.UTF8.GetString(alerts.ToArray()), output.ToString(), error.ToString());
    }

    /// <summary><c>falconet -r RULES -e CAPTURE -o json_output=true -o rule_matching=all</c>.</summary>
    public static RunOutput Replay(string rulesPath, string capturePath) => Run(new RunRequest
    {
        RulesPaths = [rulesPath],
        CaptureFile = capturePath,
        Overrides = ["json_output=true", "rule_matching=all"],
    });
}
