namespace Falconet.Enforcement;

/// <summary><c>enforcement.mode</c>: what the kernel does with a connection the egress allowlist does not cover.</summary>
public enum EnforcementMode
{
    /// <summary>Nothing is loaded (the default).</summary>
    Off,

    /// <summary>The call goes ahead; the would-block decision is counted and reported as an alert.</summary>
    Audit,

    /// <summary>The call fails with EPERM before any packet leaves; the decision is counted and reported.</summary>
    Enforce,
}
