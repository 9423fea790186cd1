using Falconet.Enforcement;
using Falconet.Host.Configuration;

namespace Falconet.Host.Tests;

public sealed class EnforcementConfigTests
{
    [Fact]
    public void Builtin_configuration_has_enforcement_off()
    {
        EnforcementOptions options = EnforcementConfig.Read(FalconetCommands.LoadConfiguration(null, []).Tree);
        Assert.Equal(EnforcementMode.Off, options.Mode);
        Assert.Null(options.Cgroups);
        Assert.False(options.PinLinks);
        Assert.Equal(TimeSpan.FromSeconds(10), options.DnsMinTtl);
    }

    [Fact]
    public void Overrides_set_mode_cgroups_pinning_and_ttl()
    {
        EnforcementOptions options = EnforcementConfig.Read(FalconetCommands.LoadConfiguration(null,
        [
            "enforcement.mode=enforce", "enforcement.cgroups=[\"/sys/fs/cgroup/a\", \"b\"]", "enforcement.pin_links=true", "enforcement.dns_min_ttl_s=0",
        ]).Tree);
        Assert.Equal(EnforcementMode.Enforce, options.Mode);
        Assert.Equal(["/sys/fs/cgroup/a", "b"], options.Cgroups);
        Assert.True(options.PinLinks);
        Assert.Equal(TimeSpan.Zero, options.DnsMinTtl);
        Assert.Equal(EnforcementMode.Audit, EnforcementConfig.Read(FalconetCommands.LoadConfiguration(null, ["enforcement.mode=audit"]).Tree).Mode);
    }

    [Theory]
    [InlineData("enforcement.mode=block", "enforcement.mode: 'block' is not one of off, audit, enforce")]
    [InlineData("enforcement.dns_min_ttl_s=-1", "enforcement.dns_min_ttl_s: -1 is outside 0..86400")]
    public void Bad_values_name_the_key(string option, string message)
    {
        ConfigException e = Assert.Throws<ConfigException>(() => EnforcementConfig.Read(FalconetCommands.LoadConfiguration(null, [option]).Tree));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replay_says_that_it_enforces_nothing()
    {
        string path = Path.Combine(Path.GetTempPath(), "falconet-enforce-replay-" + Guid.NewGuid().ToString("N") + ".scap");
        try
        {
            FalconetCommands.WriteSampleCapture(path, new ConsoleStreams(new StringWriter(), new StringWriter(), new MemoryStream()));
            var err = new StringWriter();
            int rc = FalconetCommands.Run(new RunRequest { CaptureFile = path, Overrides = ["enforcement.mode=enforce"] },
                new ConsoleStreams(new StringWriter(), err, new MemoryStream()), CancellationToken.None);
            Assert.Equal(ExitCodes.Success, rc);
            Assert.Contains("enforcement.mode applies to live runs only", err.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
