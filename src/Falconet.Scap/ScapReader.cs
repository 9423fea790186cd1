using System.Buffers.Binary;
using System.IO.Compression;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;

namespace Falconet.Scap;

/// <summary>
/// Streams a scap capture (plain or gzip): <see cref="ReadHeader"/> delivers the header blocks to a sink, then
/// <see cref="TryReadEvent"/> decodes one event at a time into a reused <see cref="ScapEvent"/>.
/// Memory stays bounded by the largest block; the event path does not allocate once the buffer has grown.
/// </summary>
public sealed class ScapReader : IDisposable
{
    /// <summary>Blocks larger than this are taken as corrupt lengths rather than allocated.</summary>
    public const int MaxBlockLength = 64 * 1024 * 1024;

    /// <summary>Non-LARGE event blocks: at most 65536 body bytes plus the 8-byte block header; larger events use the LARGE block types.</summary>
    public const int MaxEventBlockLength = 65536 + 8;

    private const int BlockHeaderSize = 8;
    private const int MinBlockLength = 12;
    private const int InitialBufferSize = 256 * 1024;

    private static readonly ISnapshotSink s_discardSink = new DiscardingSink();

    private readonly Stream _source;
    private readonly Stream _input;
    private readonly string _displayName;
    private readonly bool _compressed;
    private readonly long? _sourceLength;

    // Decompressed bytes [_bufferStart, _bufferEnd) are read but not consumed; _buffer[0] is at _bufferBase.
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _bufferStart;
    private int _bufferEnd;
    private long _bufferBase;
    private bool _endOfInput;

    // The block last read by ReadBlock, still in _buffer until the next ReadBlock.
    private int _blockIndex;
    private uint _blockType;
    private int _blockLength;
    private long _blockOffset;

    private ISnapshotSink _sink = s_discardSink;
    private bool _headerRead;
    private bool _pendingEventBlock;
    private bool _atEnd;
    private ulong _eventCount;

    /// <summary>Reads <paramref name="stream"/> (plain or gzip); <paramref name="displayName"/> names it in errors.</summary>
    public ScapReader(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _source = stream;
        _displayName = displayName;
        _sourceLength = stream.CanSeek ? stream.Length : null;

        byte[] magic = new byte[2];
        int got = 0;
        while (got < 2)
        {
            int n = stream.Read(magic, got, 2 - got);
            if (n == 0)
            {
                break;
            }
            got += n;
        }
        _compressed = got == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        Stream replay = new PrefixedReadStream(magic, got, stream);
        // GZipStream reads concatenated gzip members one after another, as zlib's gzread does.
        _input = _compressed ? new GZipStream(replay, CompressionMode.Decompress) : replay;
    }

    /// <summary>Opens the capture file at <paramref name="path"/>; an unreadable file is an <see cref="IOException"/> naming it.</summary>
    public static ScapReader Open(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot open capture: {ex.Message}", ex);
        }
        return new ScapReader(file, Path.GetFileName(path));
    }

    /// <summary>The name errors use for this capture.</summary>
    public string DisplayName => _displayName;

    /// <summary>True when the file is gzip-compressed (offsets are then in the decompressed stream).</summary>
    public bool IsCompressed => _compressed;

    /// <summary>Bytes consumed so far in the (decompressed) stream.</summary>
    public long Position => _bufferBase + _bufferStart;

    /// <summary>Length of the underlying file (compressed size for gzip files), when known.</summary>
    public long? Length => _sourceLength;

    /// <summary>Fraction of the underlying file consumed, 0..1; 0 when the length is unknown.</summary>
    public double Progress
    {
        get
        {
            if (_sourceLength is not { } length || length <= 0)
            {
                return 0;
            }
            long position = _compressed ? _source.Position : Position;
            return Math.Clamp((double)position / length, 0, 1);
        }
    }

    /// <summary>Number of events delivered so far (the <see cref="ScapEvent.Number"/> of the last one).</summary>
    public ulong EventCount => _eventCount;

    /// <summary>
    /// Reads the section header and every header block up to the first event block, delivering them to
    /// <paramref name="sink"/>, which is kept for later sections (concatenated captures).
    /// </summary>
    public void ReadHeader(ISnapshotSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_headerRead)
        {
            throw new InvalidOperationException("the header has been read already");
        }
        _sink = sink;
        _headerRead = true;
        long offset = Position;
        int available = Fill(MinBlockLength);
        if (available == 0)
        {
            throw Error(offset, 0, "empty file, not a scap capture");
        }
        uint type = available >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_bufferStart)) : 0;
        if (available < 4 || type != ScapBlockTypes.SectionHeader)
        {
            throw Error(offset, type, $"not a scap capture (first block type 0x{type:x8} is not a section header)");
        }
        if (available >= MinBlockLength)
        {
            // Check the magic before the length so a big-endian file is named as such, not as a corrupt length.
            uint magic = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_bufferStart + 8));
            if (magic != ScapBlockTypes.ByteOrderMagic)
            {
                throw Error(offset, type, magic == 0x4D3C2B1A
                    ? "byte-swapped (big-endian) capture, which libscap does not read either"
                    : $"bad byte-order magic 0x{magic:x8} (expected 0x1a2b3c4d)");
            }
        }
        ReadBlock();
        ReadHeaderRegion(startsWithCurrentBlock: true);
    }

    /// <summary>
    /// Decodes the next event into <paramref name="evt"/>. Returns false at the clean end of the file.
    /// Throws <see cref="ScapFormatException"/> at the first malformed block, after every good event before it.
    /// </summary>
    public bool TryReadEvent(ScapEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (!_headerRead)
        {
            ReadHeader(s_discardSink);
        }
        while (true)
        {
            if (_pendingEventBlock)
            {
                _pendingEventBlock = false;
            }
            else if (_atEnd || !ReadBlock())
            {
                _atEnd = true;
                return false;
            }

            BlockClass block = ScapBlockTypes.Classify(_blockType);
            if (!block.IsEvent)
            {
                // A non-event block after events starts a new section (concatenated captures); state restarts.
                _sink.OnSectionStart();
                ReadHeaderRegion(startsWithCurrentBlock: true);
                continue;
            }
            if (DecodeEventBlock(block, evt))
            {
                return true;
            }
        }
    }

    private bool DecodeEventBlock(BlockClass block, ScapEvent evt)
    {
        ReadOnlySpan<byte> body = BlockBody();
        int prefix = block.HasFlags ? 6 : 2;
        if (body.Length < prefix)
        {
            throw Error(_blockOffset, _blockType, $"event block body of {body.Length} bytes has no room for cpu{(block.HasFlags ? " and flags" : "")}");
        }
        ushort cpu = BinaryPrimitives.ReadUInt16LittleEndian(body);
        uint flags = block.HasFlags ? BinaryPrimitives.ReadUInt32LittleEndian(body[2..]) : 0;
        // Bytes after the event's own len (padding, pcapng options) are ignored, as libscap does.
        string? problem = evt.Decode(body[prefix..], block.V1EventHeader);
        if (problem is not null)
        {
            throw Error(_blockOffset, _blockType, "malformed event: " + problem);
        }
        if (!EventTable.IsKnown(evt.OriginalType))
        {
            return false; // Newer than our table: skipped and not counted, like libscap.
        }
        evt.Cpu = cpu;
        evt.BlockFlags = flags;
        evt.Number = ++_eventCount;
        evt.SourceIndex = _eventCount;
        return true;
    }

    /// <summary>Header blocks up to the first event block (left pending) or the end of the file.</summary>
    private void ReadHeaderRegion(bool startsWithCurrentBlock)
    {
        bool haveBlock = startsWithCurrentBlock;
        while (true)
        {
            if (!haveBlock && !ReadBlock())
            {
                _atEnd = true;
                break;
            }
            haveBlock = false;
            BlockClass block = ScapBlockTypes.Classify(_blockType);
            if (block.IsEvent)
            {
                _pendingEventBlock = true;
                break;
            }
            ParseHeaderBlock(block);
        }
        _sink.OnSnapshotComplete();
    }

    private void ParseHeaderBlock(BlockClass block)
    {
        ReadOnlySpan<byte> whole = _buffer.AsSpan(_blockIndex, _blockLength);
        uint trailer = BinaryPrimitives.ReadUInt32LittleEndian(whole[^4..]);
        if (trailer != (uint)_blockLength)
        {
            throw Error(_blockOffset, _blockType, $"wrong block trailer {trailer} (block length {_blockLength})");
        }
        ReadOnlySpan<byte> body = BlockBody();
        try
        {
            HeaderBlockParser.Parse(block, body, _sink);
        }
        catch (MalformedBlockException ex)
        {
            throw Error(_blockOffset, _blockType, ex.Message);
        }
    }

    private ReadOnlySpan<byte> BlockBody() =>
        _buffer.AsSpan(_blockIndex + BlockHeaderSize, _blockLength - BlockHeaderSize - 4);

    /// <summary>Reads the next whole block into the buffer. False at a clean end of file (at a block boundary).</summary>
    private bool ReadBlock()
    {
        long offset = Position;
        int available = Fill(BlockHeaderSize);
        if (available == 0)
        {
            return false;
        }
        if (available < BlockHeaderSize)
        {
            throw Error(offset, 0, $"truncated capture at {Where(offset)}: file ends {available} bytes into a block header", includeBlock: false);
        }
        ReadOnlySpan<byte> header = _buffer.AsSpan(_bufferStart, BlockHeaderSize);
        uint type = BinaryPrimitives.ReadUInt32LittleEndian(header);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        BlockClass block = ScapBlockTypes.Classify(type);
        uint limit = block.IsEvent && !block.Large ? (uint)MaxEventBlockLength : MaxBlockLength;
        if (length < MinBlockLength || length % 4 != 0 || length > limit)
        {
            throw Error(offset, type,
                $"corrupt block length 0x{length:x} at {Where(offset)} ({block.Name} block, type 0x{type:x})", includeBlock: false);
        }
        available = Fill((int)length);
        if (available < length)
        {
            throw Error(offset, type,
                $"truncated capture at {Where(offset)}: {block.Name} block (type 0x{type:x}) declares {length} bytes, file ends after {available}",
                includeBlock: false);
        }
        _blockIndex = _bufferStart;
        _blockType = type;
        _blockLength = (int)length;
        _blockOffset = offset;
        _bufferStart += (int)length;
        return true;
    }

    /// <summary>Makes <paramref name="count"/> unconsumed bytes available if the stream has them; returns how many are.</summary>
    private int Fill(int count)
    {
        if (_bufferEnd - _bufferStart >= count)
        {
            return count;
        }
        if (_bufferStart + count > _buffer.Length)
        {
            int pending = _bufferEnd - _bufferStart;
            byte[] target = count > _buffer.Length ? new byte[Math.Max(count, _buffer.Length * 2)] : _buffer;
            Buffer.BlockCopy(_buffer, _bufferStart, target, 0, pending);
            _buffer = target;
            _bufferBase += _bufferStart;
            _bufferStart = 0;
            _bufferEnd = pending;
        }
        while (_bufferEnd - _bufferStart < count && !_endOfInput)
        {
            int n;
            try
            {
                n = _input.Read(_buffer, _bufferEnd, _buffer.Length - _bufferEnd);
            }
            catch (InvalidDataException ex)
            {
                // Offsets name the block being read, like every other error; the decompressor fails somewhere inside it.
                long blockStart = _bufferBase + _bufferStart;
                throw new ScapFormatException(
                    $"{_displayName}: corrupt gzip stream in the block at decompressed offset {blockStart} ({ex.Message})",
                    _displayName, blockStart, 0, "gzip", ex);
            }
            if (n == 0)
            {
                _endOfInput = true;
                break;
            }
            _bufferEnd += n;
        }
        return Math.Min(count, _bufferEnd - _bufferStart);
    }

    private string Where(long offset) => _compressed ? $"decompressed offset {offset}" : $"byte offset {offset}";

    private ScapFormatException Error(long offset, uint type, string problem, bool includeBlock = true)
    {
        string name = ScapBlockTypes.NameOf(type);
        string message = includeBlock
            ? $"{_displayName}: {problem} at {Where(offset)} ({name} block, type 0x{type:x})"
            : $"{_displayName}: {problem}";
        return new ScapFormatException(message, _displayName, offset, type, name);
    }

/// <summary>Closes the stream.</summary>
    public void Dispose()
    {
        _input.Dispose();
        _source.Dispose();
    }

    private sealed class DiscardingSink : ISnapshotSink
    {
        public void OnMachineInfo(MachineInfo info)
        {
        }

        public void OnInterface(InterfaceAddress address)
        {
        }

        public void OnUser(UserRecord user)
        {
        }

        public void OnGroup(GroupRecord group)
        {
        }

        public void OnThread(ThreadRecord thread)
        {
        }

        public void OnFd(FdRecord fd)
        {
        }

        public void OnSectionStart()
        {
        }

        public void OnSnapshotComplete()
        {
        }
    }
}
