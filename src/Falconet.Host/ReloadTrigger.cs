namespace Falconet.Host;

/// <summary>
/// How a reload reaches a running detection: SIGHUP (from the command line's signal handler) or a watched file's
/// change calls <see cref="Request"/>; the run reopens its file outputs and loads the rules and configuration again
/// off the event thread.
/// </summary>
public sealed class ReloadTrigger
{
    /// <summary>Raised on the caller's thread with the reason (e.g. <c>SIGHUP</c>); handlers must return at once.</summary>
    public event Action<string>? Requested;

    /// <summary>Asks the running detection to reload.</summary>
    public void Request(string reason) => Requested?.Invoke(reason);
}
