namespace Falconet.Capture.Bpf;

/// <summary>Live capture could not start (missing privilege or file, load or attach failure).
/// The message is meant for the user and says what to fix.</summary>
public sealed class LiveCaptureException : Exception
{
    public LiveCaptureException(string message) : base(message)
    {
    }
}
