namespace Falconet.Outputs.Sinks;

/// <summary>The keys <c>file_output</c> and <c>program_output</c> share, read by <see cref="ReopenableLineSink{TTarget}"/>.</summary>
public abstract record LineOutputOptions
{
    /// <summary>
    /// <c>keep_alive</c> (false): keep the target open between alerts (one file handle, one running program).
    /// Without it the target is opened for each alert and closed after its line, so a rotated file is picked up
    /// at once and a program gets one line and is waited for (as pclose(3) does).
    /// </summary>
    public bool KeepAlive { get; init; }

    /// <summary><c>buffered_outputs</c> (false): with keep_alive, let writes collect instead of flushing after each line.</summary>
    public bool Buffered { get; init; }

    /// <summary>The setting naming the target (the file name, the program); it must not be blank.</summary>
    internal abstract string Target { get; }

    /// <summary>The falco.yaml key of <see cref="Target"/>, for the error message.</summary>
    internal abstract string TargetKey { get; }
}
