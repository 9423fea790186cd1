using System.Diagnostics;
using System.Text;

namespace Falconet.Outputs.Sinks;

/// <summary><c>program_output</c>: pipes each alert line into a program's standard input.</summary>
/// <param name="options">Checked by the base; the program starts at the first alert.</param>
public sealed class ProgramAlertSink(ProgramOutputOptions options) : ReopenableLineSink<Process>(options)
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly ProgramOutputOptions _options = options;

    /// <inheritdoc />
    public override string Name => "program";

    /// <inheritdoc />
    protected override Process Open()
    {
        ProcessStartInfo start = new(_options.Shell)
        {
            RedirectStandardInput = true,
            StandardInputEncoding = s_utf8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(_options.Program);
        try
        {
            return Process.Start(start) ?? throw new IOException("program_output: '" + _options.Shell + "' did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new IOException("program_output: cannot start '" + _options.Shell + " -c " + _options.Program + "': " + ex.Message, ex);
        }
    }

    /// <inheritdoc />
    protected override Stream StreamOf(Process target) => target.StandardInput.BaseStream;

    /// <inheritdoc />
    protected override void CloseTarget(Process target)
    {
        // Closing flushes, and a program that stopped reading (or never ends) would block the close and the wait for
        // ever: a run's end would then hang on it. pclose(3) waits for the program; so do we, within a bound, which
        // also keeps per-alert programs from piling up. Past the bound the program is killed, which also ends a
        // write blocked on its full pipe.
        Task close = Task.Run(() =>
        {
            try
            {
                target.StandardInput.Close();
            }
            catch (IOException)
            {
                // Already gone; nothing left to flush.
            }
        });
        bool ended = close.Wait(CloseTimeout) && target.WaitForExit(CloseTimeout);
        if (!ended)
        {
            try
            {
                target.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }
            target.WaitForExit(CloseTimeout);
            close.Wait(CloseTimeout);
        }
        target.Dispose();
        if (!ended)
        {
            throw new IOException($"program_output: '{_options.Program}' did not end within {CloseTimeout.TotalSeconds:0} s of its input closing; killed");
        }
    }

    /// <summary>How long closing waits for the program to read the rest of its input and end.</summary>
    public static TimeSpan CloseTimeout { get; } = TimeSpan.FromSeconds(2);
}
