namespace Falconet.Outputs.Sinks;

/// <summary><c>file_output</c>: appends one line per alert. No rotation; <see cref="ReopenableLineSink{T}.Reopen"/> closes the file (SIGUSR1).</summary>
/// <param name="options">Checked by the base; the file is opened at the first alert.</param>
public sealed class FileAlertSink(FileOutputOptions options) : ReopenableLineSink<FileStream>(options)
{
    private readonly FileOutputOptions _options = options;

    /// <inheritdoc />
    public override string Name => "file";

    /// <inheritdoc />
    protected override FileStream Open()
    {
        try
        {
            return new FileStream(_options.Filename, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 16 * 1024);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException("cannot open file_output.filename '" + _options.Filename + "': " + ex.Message, ex);
        }
    }

    /// <inheritdoc />
    protected override Stream StreamOf(FileStream target) => target;

    /// <inheritdoc />
    protected override void CloseTarget(FileStream target) => target.Dispose();
}
