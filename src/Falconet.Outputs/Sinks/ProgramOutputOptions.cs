namespace Falconet.Outputs.Sinks;

/// <summary>The <c>program_output</c> keys.</summary>
public sealed record ProgramOutputOptions : LineOutputOptions
{
    /// <summary><c>program_output.program</c>: a shell command run as <c>/bin/sh -c &lt;program&gt;</c> (Falco uses popen(3)).</summary>
    public string Program { get; init; } = "";

    /// <summary>The shell (not a falco.yaml key).</summary>
    public string Shell { get; init; } = "/bin/sh";

    /// <inheritdoc />
    internal override string Target => Program;

    /// <inheritdoc />
    internal override string TargetKey => "program_output.program";
}
