namespace Falconet.Outputs.Sinks;

/// <summary>
/// <c>stdout_output</c>: one line per alert on a stream the host supplies (the CLI passes standard output;
/// nothing here touches <c>Console</c>). Flushed after every line unless <c>buffered_outputs</c>.
/// </summary>
public sealed class StreamAlertSink : IAlertSink
{
    private readonly Stream _stream;
    private readonly bool _buffered;
    private readonly bool _ownsStream;
    private byte[] _line = new byte[4096];

    /// <param name="stream">Where lines go; written only by the output worker.</param>
    /// <param name="buffered"><c>buffered_outputs</c>: let the stream batch writes, flushed at shutdown.</param>
    /// <param name="name">The output name for logs and counters.</param>
    /// <param name="ownsStream">Dispose the stream with the sink.</param>
    public StreamAlertSink(Stream stream, bool buffered, string name = "stdout", bool ownsStream = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = buffered ? new BufferedStream(stream, 64 * 1024) : stream;
        _buffered = buffered;
        _ownsStream = ownsStream;
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public void Emit(FormattedAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        // The line and its newline in one write: an unbuffered stream (standard output) makes one syscall per Write,
        // and a whole line per write never interleaves with another writer's output.
        ReadOnlySpan<byte> text = alert.Utf8.Span;
        if (text.Length + 1 > _line.Length)
        {
            _line = new byte[Math.Max(text.Length + 1, _line.Length * 2)];
        }
        text.CopyTo(_line);
        _line[text.Length] = (byte)'\n';
        _stream.Write(_line, 0, text.Length + 1);
        if (!_buffered)
        {
            _stream.Flush();
        }
    }

    /// <inheritdoc />
    public void Flush() => _stream.Flush();

    /// <summary>Standard output has nothing to reopen.</summary>
    public void Reopen()
    {
    }

    /// <summary>Flushes, and closes the stream when the sink was given ownership of it.</summary>
    public void Dispose()
    {
        _stream.Flush();
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }
}
