using Falconet.Enforcement;

namespace Falconet.Enforcement.Tests;

public sealed class EnforcementSpecTests
{
    private static readonly EgressPolicy s_policy = new();

    [Fact]
    public void Off_loads_nothing()
    {
        var e = Assert.Throws<EnforcementException>(() =>
            EnforcementSpec.Create(new EnforcementOptions { Mode = EnforcementMode.Off }, s_policy, "/sys/fs/cgroup", "0::/\n"));
        Assert.Contains("off", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_that_is_not_a_cgroup_is_refused()
    {
        using var dir = new Falconet.TestKit.TempDirectory();
        var e = Assert.Throws<EnforcementException>(() =>
            EnforcementSpec.Create(new EnforcementOptions { Mode = EnforcementMode.Audit, Cgroups = [dir.Path] }, s_policy, dir.Path, "0::/\n"));
        Assert.Contains("not a cgroup v2 directory", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_scope_is_the_mount_and_the_root_cgroup_is_never_exempt()
    {
        using var dir = new Falconet.TestKit.TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "cgroup.procs"), "");
        Directory.CreateDirectory(Path.Combine(dir.Path, "falconet.service"));
        File.WriteAllText(Path.Combine(dir.Path, "falconet.service", "cgroup.procs"), "");

        EnforcementSpec atRoot = EnforcementSpec.Create(new EnforcementOptions { Mode = EnforcementMode.Enforce }, s_policy, dir.Path, "0::/\n");
        Assert.Equal([dir.Path], atRoot.Cgroups);
        Assert.Null(atRoot.OwnCgroup);
        Assert.Equal(Environment.ProcessId, atRoot.OwnProcessId);

        EnforcementSpec inService = EnforcementSpec.Create(new EnforcementOptions { Mode = EnforcementMode.Enforce }, s_policy, dir.Path, "0::/falconet.service\n");
        Assert.Equal(Path.Combine(dir.Path, "falconet.service"), inService.OwnCgroup);

        // Falconet inside the enforced cgroup: exempting its cgroup would exempt the workload
        EnforcementSpec inScope = EnforcementSpec.Create(new EnforcementOptions { Mode = EnforcementMode.Enforce, Cgroups = ["falconet.service"] }, s_policy, dir.Path, "0::/falconet.service\n");
        Assert.Null(inScope.OwnCgroup);
    }
}
