namespace Falconet.Outputs.Sinks;

/// <summary>The <c>file_output</c> keys.</summary>
public sealed record FileOutputOptions
{
    /// <summary><c>file_output.filename</c> (<c>./events.txt</c>): opened in append mode, created if absent.</summary>
    public string Filename { get; init; } = "./events.txt";

    /// <summary>
    /// <c>file_output.keep_alive</c> (false): keep the file open between alerts. Without it the file is
    /// opened and closed for every alert, so a rotated file is picked up at once.
    /// </summary>
    public bool KeepAlive { get; init; }

    /// <summary><c>buffered_outputs</c> (false): with keep_alive, let writes collect until shutdown or reopen.</summary>
    public bool Buffered { get; init; }
}
