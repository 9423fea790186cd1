namespace Falconet.TestKit;

/// <summary>
/// What a test needs from the machine to mean anything (the shared reference data, sysdig, nats-server, root, kernel
/// BTF, clang for the eBPF probe). Outside CI a missing one skips the test, saying why; under <c>CI=true</c> it
/// fails the test, because <c>.ci/run</c> installs them all and a skip there would hide a broken install step.
/// </summary>
public static class Oracle
{
    /// <summary>True when the environment says this is CI (<c>CI=true</c>, as .ci/run and CI services set it).</summary>
    public static bool InCi { get; } = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns when <paramref name="available"/>; otherwise skips (outside CI) or fails (in CI) with <paramref name="reason"/>.</summary>
    public static void Require(bool available, string reason)
    {
        if (available)
        {
            return;
        }
        if (InCi)
        {
            Assert.Fail("CI=true, where .ci/run installs what this test needs, but: " + reason);
        }
        Assert.Skip(reason);
    }

    /// <summary>Returns when <paramref name="reason"/> is null; otherwise as <see cref="Require"/>.</summary>
    public static void RequireNoReason(string? reason) => Require(reason is null, reason ?? "");
}
