namespace Falconet.Host;

/// <summary>Writing a capture file failed (disk full, permissions, I/O error); the message names the file.</summary>
public sealed class CaptureWriteException : IOException
{
    /// <summary>A failure writing <paramref name="path"/>.</summary>
    public CaptureWriteException(string message, string path, Exception inner)
        : base(message, inner)
    {
        Path = path;
    }

    /// <summary>The file that could not be written.</summary>
    public string Path { get; }
}
