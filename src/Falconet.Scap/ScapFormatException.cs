namespace Falconet.Scap;

/// <summary>
/// A capture file that does not follow the scap format: truncated, corrupt block framing, bad magic, malformed events.
/// The message is one line naming the file, the block's byte offset and type, and what is wrong.
/// </summary>
public sealed class ScapFormatException : Exception
{
    /// <summary>A fault at block <paramref name="blockType"/> (<paramref name="blockName"/>), <paramref name="offset"/> bytes into <paramref name="fileName"/>.</summary>
    public ScapFormatException(string message, string fileName, long offset, uint blockType, string blockName, Exception? innerException = null)
        : base(message, innerException)
    {
        FileName = fileName;
        Offset = offset;
        BlockType = blockType;
        BlockName = blockName;
    }

    /// <summary>A fault with no location.</summary>
    public ScapFormatException()
        : this("malformed scap capture", "", -1, 0, "")
    {
    }

    /// <summary>A fault with no location.</summary>
    public ScapFormatException(string message)
        : this(message, "", -1, 0, "")
    {
    }

    /// <summary>A fault with no location, caused by <paramref name="innerException"/>.</summary>
    public ScapFormatException(string message, Exception innerException)
        : this(message, "", -1, 0, "", innerException)
    {
    }

    /// <summary>The file (display) name the reader was given.</summary>
    public string FileName { get; }

    /// <summary>Byte offset of the start of the faulty block, in the decompressed stream for gzip files.</summary>
    public long Offset { get; }

    /// <summary>Block type id as read (0 when the block header itself could not be read).</summary>
    public uint BlockType { get; }

    /// <summary>libscap's name of the block type (e.g. <c>EV_V2</c>, <c>PL_V5</c>), or <c>unknown</c>.</summary>
    public string BlockName { get; }
}
