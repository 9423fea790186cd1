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
        try
        {
            target.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone; nothing left to flush.
        }
        // pclose(3) waits for the program; so do we, which also keeps per-alert programs from piling up.
        target.WaitForExit();
        target.Dispose();
    }
}
