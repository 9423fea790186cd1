using Falconet.Core.Events;
using Falconet.Scap;

namespace Falconet.Host;

/// <summary>
/// The capture files one recording writes: one file, or with rotation numbered files (<c>trace0.scap</c>,
/// <c>trace1.scap</c>, …), each a complete capture that starts with its own state blocks. Enforces the size limits;
/// a failed write (disk full, I/O error) becomes a <see cref="CaptureWriteException"/> naming the file, and the file
/// keeps every complete block written before it.
/// </summary>
public sealed class CaptureFileSet : IDisposable
{
    private readonly string _path;
    private readonly bool _compress;
    private readonly long _rotateBytes;
    private readonly int _maxFiles;
    private readonly long _maxTotalBytes;
    private readonly Queue<string> _files = new();
    private ScapWriter? _writer;
    private BlockAlignedFileStream? _stream;
    private long _closedBytes;
    private int _nextIndex;
    private long _eventsInFile;
    private bool _failed;

    /// <summary>
    /// Files at <paramref name="path"/>; gzip when <paramref name="compress"/>. <paramref name="rotateBytes"/> &gt; 0
    /// starts a new numbered file once the current one holds that many bytes; <paramref name="maxFiles"/> &gt; 0 then
    /// keeps only the newest that many (older ones are deleted). <paramref name="maxTotalBytes"/> &gt; 0 ends the
    /// recording once all files together hold that many bytes.
    /// </summary>
    public CaptureFileSet(string path, bool compress, long rotateBytes = 0, int maxFiles = 0, long maxTotalBytes = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _compress = compress;
        _rotateBytes = rotateBytes;
        _maxFiles = maxFiles;
        _maxTotalBytes = maxTotalBytes;
    }

    /// <summary>True once a file has been opened.</summary>
    public bool IsOpen => _writer is not null;

    /// <summary>The file being written (null before the first).</summary>
    public string? CurrentPath => _stream?.Path;

    /// <summary>Every file written, in order (rotated files already deleted by <c>maxFiles</c> are not listed).</summary>
    public IReadOnlyCollection<string> Files => _files;

    /// <summary>Event blocks written to all files.</summary>
    public long EventsWritten { get; private set; }

    /// <summary>Bytes on disk (compressed when gzip) in all files, including what is buffered.</summary>
    public long BytesWritten => _closedBytes + (_stream?.Size ?? 0);

    /// <summary>True when the total size limit is reached: the caller stops recording.</summary>
    public bool LimitReached => _maxTotalBytes > 0 && BytesWritten >= _maxTotalBytes;

    /// <summary>True when the current file is full and the next file should start (at an event that may begin one).</summary>
    public bool RotationDue => _rotateBytes > 0 && _stream is not null && _eventsInFile > 0 && _stream.Size >= _rotateBytes;

    /// <summary>Opens the next file and writes its state blocks.</summary>
    public void Start(ScapSnapshot header)
    {
        ArgumentNullException.ThrowIfNull(header);
        CloseCurrent();
        _eventsInFile = 0;
        string path = _rotateBytes > 0 ? NumberedPath(_path, _nextIndex++) : _path;
        Guard(path, () =>
        {
            _stream = new BlockAlignedFileStream(path);
            _files.Enqueue(path);
            _writer = new ScapWriter(_stream, _compress);
            _writer.WriteHeader(header);
        });
        while (_maxFiles > 0 && _files.Count > _maxFiles)
        {
            string old = _files.Dequeue();
            Guard(old, () => File.Delete(old));
        }
    }

    /// <summary>Starts a new section in the current file (the input was a concatenated capture).</summary>
    public void StartSection(ScapSnapshot header)
    {
        ScapWriter writer = _writer ?? throw new InvalidOperationException("Start must be called before StartSection");
        Guard(_stream!.Path, () => writer.WriteHeader(header));
    }

    /// <summary>Writes one event to the current file.</summary>
    public void Write(ScapEvent evt)
    {
        ScapWriter writer = _writer ?? throw new InvalidOperationException("Start must be called before Write");
        try
        {
            writer.WriteEvent(evt);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _failed = true;
            throw Failure(_stream!.Path, e);
        }
        EventsWritten++;
        _eventsInFile++;
    }

    /// <summary>Pushes buffered blocks to disk.</summary>
    public void Flush()
    {
        if (_writer is { } writer)
        {
            Guard(_stream!.Path, writer.Flush);
        }
    }

    /// <summary>Completes and closes the current file (the gzip trailer is written here).</summary>
    public void Dispose() => CloseCurrent();

    private void CloseCurrent()
    {
        if (_writer is null)
        {
            return;
        }
        ScapWriter writer = _writer;
        BlockAlignedFileStream stream = _stream!;
        _writer = null;
        _stream = null;
        try
        {
            if (_failed)
            {
                // Closing a file whose write failed: the first error is the one reported; the file keeps its blocks.
                try
                {
                    writer.Dispose();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
            else
            {
                Guard(stream.Path, writer.Dispose);
            }
        }
        finally
        {
            _closedBytes += stream.Size;
        }
    }

    /// <summary><c>trace.scap</c> → <c>trace0.scap</c>, <c>trace1.scap</c> …; the number goes before the extension.</summary>
    public static string NumberedPath(string path, int index)
    {
        ArgumentNullException.ThrowIfNull(path);
        string directory = Path.GetDirectoryName(path) ?? "";
        string name = Path.GetFileName(path);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        string numbered = dot > 0
            ? string.Concat(name.AsSpan(0, dot), index.ToString(System.Globalization.CultureInfo.InvariantCulture), name.AsSpan(dot))
            : name + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Path.Combine(directory, numbered);
    }

    private void Guard(string path, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _failed = true;
            throw Failure(path, e);
        }
    }

    private static CaptureWriteException Failure(string path, Exception e) =>
        new($"cannot write capture file {path}: {e.Message}", path, e);
}
