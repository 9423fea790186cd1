namespace Falconet.Outputs.Sinks;

/// <summary><c>file_output</c>: appends one line per alert. No rotation; <see cref="Reopen"/> closes the file (SIGUSR1).</summary>
public sealed class FileAlertSink : IAlertSink
{
    private readonly FileOutputOptions _options;
    private FileStream? _file;

    public FileAlertSink(FileOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Filename))
        {
            throw new ArgumentException("file_output.filename is empty", nameof(options));
        }
        _options = options;
    }

    public string Name => "file";

    public void Emit(FormattedAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        FileStream file = _file ??= Open();
        try
        {
            file.Write(alert.Utf8.Span);
            file.WriteByte((byte)'\n');
            if (!_options.Buffered || !_options.KeepAlive)
            {
                file.Flush();
            }
        }
        catch (IOException)
        {
            // A write error leaves the stream unusable; the next alert opens the file again.
            Close();
            throw;
        }
        if (!_options.KeepAlive)
        {
            Close();
        }
    }

    public void Flush() => _file?.Flush();

    public void Reopen() => Close();

    public void Dispose() => Close();

    private FileStream Open()
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

    private void Close()
    {
        FileStream? file = _file;
        _file = null;
        file?.Dispose();
    }
}
