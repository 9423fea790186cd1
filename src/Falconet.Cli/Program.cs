using System.CommandLine;
using System.Runtime.InteropServices;
using Falconet.Host;

namespace Falconet.Cli;

/// <summary>
/// The <c>falconet</c> command: Falco's flags where they make sense, plus <c>inspect</c> (sysdig-style event listing)
/// and <c>demo</c> (the built-in rules on a generated sample capture). Exit codes: see <see cref="ExitCodes"/>.
/// </summary>
public static class Program
{
    /// <summary>Runs the command line; the exit code is Falco's (0 success, 1 error).</summary>
    public static int Main(string[] args)
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        using var cancel = new CancellationTokenSource();
        var stop = new StopSignals(cancel, Console.Error);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, stop.OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, stop.OnSignal);
        // SIGHUP: reopen file outputs and reload rules and configuration (the run decides; the process keeps going).
        var reloads = new ReloadTrigger();
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            reloads.Request("SIGHUP");
        });

        var console = new ConsoleStreams(Console.Out, Console.Error, Console.OpenStandardOutput());
        RootCommand root = CommandLineDefinition.Build(console, cancel.Token, reloads);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line, like every other user error, so scripts can show it as is.
            string errors = string.Join("; ", parsed.Errors.Select(e => e.Message));
            Console.Error.WriteLine($"falconet: {errors} (run 'falconet --help' for usage)");
            return ExitCodes.Failure;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UserFacingException e)
        {
            Console.Error.WriteLine($"falconet: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
