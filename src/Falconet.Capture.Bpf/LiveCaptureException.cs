namespace Falconet.Capture.Bpf;

/// <summary>Live capture could not start (missing privilege or file, load or attach failure).
/// The message is meant for the user and says what to fix.</summary>
public sealed class LiveCaptureException : Exception
{
    /// <summary>A failure whose <paramref name="message"/> tells the user what to fix.</summary>
    public LiveCaptureException(string message) : base(message)
    {
    }
}
