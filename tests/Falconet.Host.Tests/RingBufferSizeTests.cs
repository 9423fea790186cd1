using Falconet.Host.Configuration;

namespace Falconet.Host.Tests;

/// <summary>
/// engine.modern_ebpf.buf_size_preset maps to the ring buffer size as in Falco's table (1 → 1 MiB, doubling each
/// step, 4 → 8 MiB the default, 10 → 512 MiB); outside 1-10 it is a configuration error.
/// </summary>
public sealed class RingBufferSizeTests
{
    [Theory]
    [InlineData(null, 8 << 20)]
    [InlineData(1, 1 << 20)]
    [InlineData(2, 2 << 20)]
    [InlineData(4, 8 << 20)]
    [InlineData(6, 32 << 20)]
    [InlineData(10, 512 << 20)]
    public void The_preset_gives_Falcos_ring_size(int? preset, int bytes)
    {
        string[] overrides = preset is int p ? [$"engine.modern_ebpf.buf_size_preset={p}"] : [];
        Assert.Equal(bytes, LiveCaptureStart.RingBufferBytes(FalconetCommands.LoadConfiguration(null, overrides)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void A_preset_outside_1_to_10_is_a_configuration_error(int preset)
    {
        FalconetOptions options = FalconetCommands.LoadConfiguration(null, [$"engine.modern_ebpf.buf_size_preset={preset}"]);
        ConfigException e = Assert.Throws<ConfigException>(() => LiveCaptureStart.RingBufferBytes(options));
        Assert.Contains("must be between 1 and 10", e.Message, StringComparison.Ordinal);
    }
}
