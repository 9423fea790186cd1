using Falconet.Enforcement;

namespace Falconet.Enforcement.Tests;

public sealed class CgroupV2Tests
{
    private const string Hybrid = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    [Fact]
    public void Hybrid_layout_finds_the_unified_mount()
    {
        Assert.Equal("/sys/fs/cgroup/unified", CgroupV2.FindMount(Hybrid));
    }

    [Fact]
    public void Unified_layout_finds_sys_fs_cgroup()
    {
        Assert.Equal("/sys/fs/cgroup", CgroupV2.FindMount("29 23 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw,nsdelegate\n"));
    }

    [Fact]
    public void No_cgroup2_mount_is_null()
    {
        Assert.Null(CgroupV2.FindMount("32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"));
    }

    [Fact]
    public void Escaped_mount_point_is_decoded()
    {
        Assert.Equal("/mnt/my cg", CgroupV2.FindMount("50 1 0:40 / /mnt/my\\040cg rw - cgroup2 none rw\n"));
    }

    [Fact]
    public void Own_cgroup_comes_from_the_unified_line()
    {
        const string procSelf = "9:name=systemd:/\n4:memory:/x\n0::/system.slice/falconet.service\n";
        Assert.Equal("/sys/fs/cgroup/unified/system.slice/falconet.service", CgroupV2.OwnCgroup("/sys/fs/cgroup/unified", procSelf));
        Assert.Equal("/sys/fs/cgroup", CgroupV2.OwnCgroup("/sys/fs/cgroup", "0::/\n"));
        Assert.Null(CgroupV2.OwnCgroup("/sys/fs/cgroup", "1:cpu:/\n"));
    }
}
