namespace Falconet.Enforcement;

/// <summary>Enforcement could not start or change (privilege, cgroup, load, attach, policy). The message says what to fix.</summary>
public sealed class EnforcementException : Exception
{
    /// <summary>A failure whose <paramref name="message"/> tells the user what to fix.</summary>
    public EnforcementException(string message) : base(message)
    {
    }
}
