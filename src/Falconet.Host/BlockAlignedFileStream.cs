namespace Falconet.Host;

/// <summary>
/// A write-only file stream whose buffer is written to disk only in whole <see cref="Write(byte[], int, int)"/>
/// calls. ScapWriter writes each block with one call, so the file always ends at a block boundary; when a write
/// fails (disk full, quota, I/O error) the file is cut back to the length it had before the failed write, which
/// leaves every complete block readable.
/// </summary>
internal sealed class BlockAlignedFileStream : Stream
{
    private const int BufferSize = 256 * 1024;

    private readonly FileStream _file;
    private readonly byte[] _buffer = new byte[BufferSize];
    // Where each buffered Write ends: after a failed flush, whole writes are retried one by one so the file keeps
    // as many complete blocks as fit.
    private readonly List<int> _writeEnds = new(1024);
    private int _buffered;
    private long _committed;
    private bool _failed;

    public BlockAlignedFileStream(string path)
    {
        Path = path;
        // bufferSize 0: this class buffers, so each flush is one write system call of whole blocks.
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
    }

    public string Path { get; }

    /// <summary>Bytes on disk plus bytes buffered: what the file will hold once flushed.</summary>
    public long Size => _committed + _buffered;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Size;

    public override long Position
    {
        get => Size;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> data)
    {
        if (_failed)
        {
            throw new IOException($"{Path}: an earlier write failed");
        }
        if (_buffered + data.Length > _buffer.Length)
        {
            FlushBuffer();
        }
        if (data.Length > _buffer.Length)
        {
            WriteToDisk(data);
            return;
        }
        data.CopyTo(_buffer.AsSpan(_buffered));
        _buffered += data.Length;
        _writeEnds.Add(_buffered);
    }

    public override void Flush()
    {
        FlushBuffer();
        if (!_failed)
        {
            _file.Flush();
        }
    }

    private void FlushBuffer()
    {
        if (_buffered == 0 || _failed)
        {
            return;
        }
        int count = _buffered;
        _buffered = 0;
        try
        {
            WriteToDisk(_buffer.AsSpan(0, count));
        }
        catch (IOException)
        {
            SalvageWholeWrites();
            throw;
        }
        finally
        {
            _writeEnds.Clear();
        }
    }

    /// <summary>After a failed flush (already cut back): writes the buffered blocks one by one until one does not fit.</summary>
    private void SalvageWholeWrites()
    {
        int start = 0;
        foreach (int end in _writeEnds)
        {
            try
            {
                _file.Write(_buffer.AsSpan(start, end - start));
                _committed += end - start;
                start = end;
            }
            catch (IOException)
            {
                TruncateToCommitted();
                return;
            }
        }
    }

    private void WriteToDisk(ReadOnlySpan<byte> data)
    {
        try
        {
            _file.Write(data);
            _committed += data.Length;
        }
        catch (IOException)
        {
            _failed = true;
            TruncateToCommitted();
            throw;
        }
    }

    /// <summary>Drops a partly written tail so the file ends after its last complete write.</summary>
    private void TruncateToCommitted()
    {
        try
        {
            _file.SetLength(_committed);
            _file.Position = _committed;
        }
        catch (IOException)
        {
            // The original error is what the user must see; the reader reports the cut.
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                FlushBuffer();
            }
            finally
            {
                try
                {
                    _file.Dispose();
                }
                catch (IOException)
                {
                    // Closing after a failed write may fail again; the first error was reported.
                    if (!_failed)
                    {
                        throw;
                    }
                }
            }
        }
        base.Dispose(disposing);
    }
}
