using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Falconet.Capture.Bpf;
using Falconet.Capture.Bpf.Native;
using Falconet.TestKit;

namespace Falconet.Capture.Bpf.Tests;

/// <summary>The capture spec is decided without privileges: these run anywhere.</summary>
public sealed class CaptureSpecTests
{
    [Fact]
    public void AllSyscallsEnableEverySlotAndAttachAllThreePrograms()
    {
        CaptureSpec spec = CaptureSpec.FromOptions(new LiveCaptureOptions(), possibleCpus: 4);
        Assert.Equal([CaptureSpec.SysExitProgram, CaptureSpec.SysEnterProgram, CaptureSpec.ProcessExitProgram], spec.Programs);
        Assert.Equal(LiveSyscalls.All.Count, spec.Syscalls.Count);
        Assert.Equal(LiveSyscalls.All.Count, spec.EnableMap.ToArray().Count(b => b == 1));
        Assert.Equal(1, spec.EnableMap[ProbeSyscalls.SlotOf("openat")]);
        Assert.Equal(1, spec.EnableMap[ProbeSyscalls.ProcessExitSlot]);
        Assert.Equal(Enum.GetValues<ProbeGroup>().Length, spec.Groups.Count);
        Assert.Equal([new CaptureMapSize("scratch", 4), new CaptureMapSize("events", 8 * 1024 * 1024)], spec.MapSizes);
    }

    [Fact]
    public void ASubsetEnablesOnlyItsSlotsAndPrograms()
    {
        CaptureSpec spec = CaptureSpec.FromOptions(new LiveCaptureOptions { Syscalls = ["connect", "openat"], RingBufferBytes = 1 << 16 }, 2);
        Assert.Equal([CaptureSpec.SysExitProgram], spec.Programs);
        Assert.Equal(["connect", "openat"], spec.Syscalls);
        byte[] expected = new byte[ProbeSyscalls.EnableSlots];
        expected[ProbeSyscalls.SlotOf("connect")] = 1;
        expected[ProbeSyscalls.SlotOf("openat")] = 1;
        Assert.Equal(expected, spec.EnableMap.ToArray());
        Assert.Equal(new HashSet<ProbeGroup> { ProbeGroup.Net, ProbeGroup.File }, spec.Groups);
        Assert.Equal(1u << 16, spec.MapSizes.Single(m => m.Name == "events").MaxEntries);
    }

    [Theory]
    [InlineData("execve", true, false)]
    [InlineData("execveat", true, false)]
    [InlineData(LiveSyscalls.ProcessExit, false, true)]
    [InlineData("clone", false, false)]
    public void EntryAndExitProgramsOnlyWhenTheirEventsAreWanted(string syscall, bool enter, bool procexit)
    {
        CaptureSpec spec = CaptureSpec.FromOptions(new LiveCaptureOptions { Syscalls = [syscall] }, 1);
        Assert.Equal(enter, spec.Programs.Contains(CaptureSpec.SysEnterProgram));
        Assert.Equal(procexit, spec.Programs.Contains(CaptureSpec.ProcessExitProgram));
        Assert.Equal(CaptureSpec.SysExitProgram, spec.Programs[0]);
    }

    [Theory]
    [InlineData(3000, 256, "ring buffer size 3000")]
    [InlineData(1 << 20, -1, "snaplen -1")]
    [InlineData(1 << 20, CaptureSpec.MaxSnapLen + 1, "snaplen 16385")]
    public void RejectsOptionsTheProbeCannotHonour(int ring, int snaplen, string message)
    {
        var ex = Assert.Throws<LiveCaptureException>(() => CaptureSpec.FromOptions(new LiveCaptureOptions { RingBufferBytes = ring, SnapLen = snaplen }, 1));
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsUnknownSyscallsByName()
    {
        var ex = Assert.Throws<LiveCaptureException>(() => CaptureSpec.FromOptions(new LiveCaptureOptions { Syscalls = ["ioctl"] }, 1));
        Assert.Contains("'ioctl' is not supported", ex.Message, StringComparison.Ordinal);
    }

    private static readonly string[] s_dnsReceives = ["read", "readv", "recvfrom", "recvmmsg", "recvmsg"];

    [Fact]
    public void ObservingDnsMakesTheReceivesNotAskedForDnsOnly()
    {
        CaptureSpec spec = CaptureSpec.FromOptions(new LiveCaptureOptions { Syscalls = ["connect", "recvfrom"], ObserveDns = true }, 1);
        Assert.Equal(s_dnsReceives.Order(StringComparer.Ordinal), ProbeSyscalls.DnsCapable.Order(StringComparer.Ordinal));
        Assert.Equal(["connect", "recvfrom"], spec.Syscalls);
        Assert.Equal(["read", "readv", "recvmmsg", "recvmsg"], spec.DnsOnlySyscalls);
        Assert.Equal(ProbeMode.All, spec.Mode("recvfrom"));  // a rule or state needs every call
        Assert.Equal(ProbeMode.All, spec.Mode("connect"));
        Assert.Equal(ProbeMode.DnsOnly, spec.Mode("read"));
        Assert.Equal(ProbeMode.Off, spec.Mode("sendto"));
        Assert.True(spec.IsEnabled("readv"));
        Assert.Equal((byte)ProbeMode.DnsOnly, spec.EnableMap[ProbeSyscalls.SlotOf("recvmmsg")]);
        Assert.Equal(new HashSet<ProbeGroup> { ProbeGroup.Net, ProbeGroup.Netio }, spec.Groups);
        Assert.Equal(6, spec.EnableMap.ToArray().Count(b => b != 0));
        Assert.Equal(512u, spec.Settings(0, enabled: true).DnsSnaplen);
    }

    [Fact]
    public void WithoutDnsObservationOnlyTheAskedSyscallsAreOn()
    {
        CaptureSpec spec = CaptureSpec.FromOptions(new LiveCaptureOptions { Syscalls = ["connect"], DnsSnapLen = 1024 }, 1);
        Assert.False(spec.ObserveDns);
        Assert.Empty(spec.DnsOnlySyscalls);
        Assert.Equal(ProbeMode.Off, spec.Mode("read"));
        Assert.Equal(1, spec.EnableMap.ToArray().Count(b => b != 0));
        Assert.Equal(0u, spec.Settings(0, enabled: true).DnsSnaplen); // the probe then never looks for DNS sockets
    }

    [Fact]
    public void AllSyscallsLeaveNothingDnsOnly()
    {
        CaptureSpec spec = CaptureSpec.FromOptions(new LiveCaptureOptions { ObserveDns = true, DnsSnapLen = 4096 }, 1);
        Assert.Empty(spec.DnsOnlySyscalls);
        Assert.All(s_dnsReceives, name => Assert.Equal(ProbeMode.All, spec.Mode(name)));
        Assert.Equal(4096u, spec.Settings(0, enabled: true).DnsSnaplen);
    }

    [Theory]
    [InlineData(511)]
    [InlineData(4097)]
    public void RejectsDnsSnapLensOutsideTheBounds(int dnsSnapLen)
    {
        var ex = Assert.Throws<LiveCaptureException>(() => CaptureSpec.FromOptions(new LiveCaptureOptions { ObserveDns = true, DnsSnapLen = dnsSnapLen }, 1));
        Assert.Equal($"DNS snaplen {dnsSnapLen} must be between {CaptureSpec.MinDnsSnapLen} and {CaptureSpec.MaxDnsSnapLen}", ex.Message);
    }

    /// <summary>The modes and the DNS-capable syscalls of the C# side are the header's.</summary>
    [Fact]
    public void ModesAndDnsReceivesMatchTheHeader()
    {
        string header = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "native", "bpf", "falconet_wire.generated.h"));
        foreach (ProbeMode mode in Enum.GetValues<ProbeMode>())
        {
            string cName = "MODE_" + Regex.Replace(mode.ToString(), "(?<=[a-z])([A-Z])", "_$1").ToUpperInvariant();
            Assert.Contains($"\t{cName} = {(byte)mode},", header, StringComparison.Ordinal);
        }
        Match body = Regex.Match(header, @"falconet_dns_capable\(long nr\)\s*\{(.*?)return 1;", RegexOptions.Singleline);
        Assert.True(body.Success);
        string[] cases = [.. Regex.Matches(body.Groups[1].Value, @"case NR_(\w+):").Select(m => m.Groups[1].Value)];
        Assert.Equal(ProbeSyscalls.DnsCapable.Order(StringComparer.Ordinal), cases.Order(StringComparer.Ordinal));
        Assert.Contains($"#define FALCONET_DNS_PORT {ProbeSyscalls.DnsPort}\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public void SettingsCarryTheOptions()
    {
        CaptureSpec spec = CaptureSpec.FromOptions(new LiveCaptureOptions { SnapLen = 512, WakeupEvery = 0, IgnoreOwnProcess = true }, 1);
        ProbeSettings settings = spec.Settings(bootToEpochNs: 42, enabled: true);
        Assert.Equal(42UL, settings.BootToEpochNs);
        Assert.Equal(512u, settings.Snaplen);
        Assert.Equal(1u, settings.WakeupEvery);
        Assert.Equal((uint)Environment.ProcessId, settings.IgnoreTgid);
        Assert.Equal(1u, settings.CaptureEnabled);
        Assert.Equal(0u, spec.Settings(0, enabled: false).CaptureEnabled);
    }

    /// <summary>The embedded syscall table is the header's NR_* list, and both know procexit's own slot.</summary>
    [Fact]
    public void SyscallTableMatchesTheHeader()
    {
        string header = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "native", "bpf", "falconet_wire.generated.h"));
        Dictionary<string, int> numbers = Regex.Matches(header, @"^\tNR_(\w+) = (\d+),$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(numbers.Count + 1, LiveSyscalls.All.Count);
        foreach ((string name, int nr) in numbers)
        {
            Assert.Equal(nr, ProbeSyscalls.SlotOf(name));
        }
        Assert.Contains($"#define FALCONET_SLOT_PROCEXIT {ProbeSyscalls.ProcessExitSlot}\n", header, StringComparison.Ordinal);
        Assert.Contains($"#define FALCONET_ENABLE_SLOTS {ProbeSyscalls.EnableSlots}\n", header, StringComparison.Ordinal);
        Assert.True(ProbeSyscalls.TryGet(LiveSyscalls.ProcessExit, out int slot, out ProbeGroup? group));
        Assert.Equal((ProbeSyscalls.ProcessExitSlot, (ProbeGroup?)null), (slot, group));
    }

    /// <summary>The C# structs are the C structs of the generated header, field by field, with the same offsets.</summary>
    [Theory]
    [InlineData("falconet_settings", typeof(ProbeSettings))]
    [InlineData("falconet_stats", typeof(ProbeStats))]
    public void MapValueStructsMirrorTheHeader(string cName, Type type)
    {
        string header = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "native", "bpf", "falconet_wire.generated.h"));
        Match body = Regex.Match(header, $@"struct {cName} \{{(.*?)\}};", RegexOptions.Singleline);
        Assert.True(body.Success, cName);
        (string Type, string Name)[] cFields = [.. Regex.Matches(body.Groups[1].Value, @"(__u64|__u32) (\w+);").Select(m => (m.Groups[1].Value, m.Groups[2].Value))];
        System.Reflection.FieldInfo[] fields = type.GetFields();
        Assert.Equal(cFields.Length, fields.Length);
        int offset = 0;
        for (int i = 0; i < fields.Length; i++)
        {
            int size = cFields[i].Type == "__u64" ? 8 : 4;
            offset = (offset + size - 1) / size * size;
            Assert.Equal(cFields[i].Name.Replace("_", "", StringComparison.Ordinal), fields[i].Name, ignoreCase: true);
            Assert.Equal(size, Marshal.SizeOf(fields[i].FieldType));
            Assert.Equal(offset, (int)Marshal.OffsetOf(type, fields[i].Name));
            offset += size;
        }
        Assert.Equal((offset + 7) / 8 * 8, Marshal.SizeOf(type));
    }
}
