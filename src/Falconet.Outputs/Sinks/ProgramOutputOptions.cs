namespace Falconet.Outputs.Sinks;

/// <summary>The <c>program_output</c> keys.</summary>
public sealed record ProgramOutputOptions
{
    /// <summary><c>program_output.program</c>: a shell command run as <c>/bin/sh -c &lt;program&gt;</c> (Falco uses popen(3)).</summary>
    public string Program { get; init; } = "";

    /// <summary>
    /// <c>program_output.keep_alive</c> (false): keep one program running and write every alert to its stdin.
    /// Without it the program is started for each alert, gets one line, and is waited for (as pclose(3) does).
    /// </summary>
    public bool KeepAlive { get; init; }

    /// <summary><c>buffered_outputs</c> (false): with keep_alive, do not flush the pipe after each line.</summary>
    public bool Buffered { get; init; }

    /// <summary>The shell (not a falco.yaml key).</summary>
    public string Shell { get; init; } = "/bin/sh";
}
