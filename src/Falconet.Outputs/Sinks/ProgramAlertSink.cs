using System.Diagnostics;
using System.Text;

namespace Falconet.Outputs.Sinks;

/// <summary><c>program_output</c>: pipes each alert line into a program's standard input.</summary>
public sealed class ProgramAlertSink : IAlertSink
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly ProgramOutputOptions _options;
    private Process? _process;

    public ProgramAlertSink(ProgramOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Program))
        {
            throw new ArgumentException("program_output.program is empty", nameof(options));
        }
        _options = options;
    }

    public string Name => "program";

    public void Emit(FormattedAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        Process process = _process ??= Start();
        try
        {
            Stream stdin = process.StandardInput.BaseStream;
            stdin.Write(alert.Utf8.Span);
            stdin.WriteByte((byte)'\n');
            if (!_options.Buffered || !_options.KeepAlive)
            {
                stdin.Flush();
            }
        }
        catch (IOException)
        {
            // The program exited (broken pipe): drop it so the next alert starts a new one.
            Close();
            throw;
        }
        if (!_options.KeepAlive)
        {
            Close();
        }
    }

    public void Flush() => _process?.StandardInput.BaseStream.Flush();

    /// <summary>Ends the running program (closing its stdin); the next alert starts it again (SIGUSR1).</summary>
    public void Reopen() => Close();

    public void Dispose() => Close();

    private Process Start()
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

    private void Close()
    {
        Process? process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone; nothing left to flush.
        }
        // pclose(3) waits for the program; so do we, which also keeps per-alert programs from piling up.
        process.WaitForExit();
        process.Dispose();
    }
}
