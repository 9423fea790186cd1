using Falconet.Enforcement;

namespace Falconet.Host;

/// <summary><c>falconet enforce off</c>: the kill switch.</summary>
public static class EnforceCommand
{
    /// <summary>
    /// Detaches every Falconet enforcement program from every cgroup (pinned, or held by a running Falconet, which
    /// keeps detecting) and removes the pins in <paramref name="pinDirectory"/>; prints how many went.
    /// </summary>
    public static int Off(ConsoleStreams console, string pinDirectory = EnforcementOptions.DefaultPinDirectory)
    {
        ArgumentNullException.ThrowIfNull(console);
        int detached;
        try
        {
            detached = EnforcementKillSwitch.Off(pinDirectory);
        }
        catch (Exception e) when (e is EnforcementException or IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException(e.Message);
        }
        console.Error.WriteLine($"falconet: enforcement off: {detached} cgroup program link(s) detached");
        return ExitCodes.Success;
    }
}
