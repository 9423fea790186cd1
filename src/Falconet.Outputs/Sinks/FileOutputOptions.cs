namespace Falconet.Outputs.Sinks;

/// <summary>The <c>file_output</c> keys.</summary>
public sealed record FileOutputOptions : LineOutputOptions
{
    /// <summary><c>file_output.filename</c> (<c>./events.txt</c>): opened in append mode, created if absent.</summary>
    public string Filename { get; init; } = "./events.txt";

    /// <inheritdoc />
    internal override string Target => Filename;

    /// <inheritdoc />
    internal override string TargetKey => "file_output.filename";
}
