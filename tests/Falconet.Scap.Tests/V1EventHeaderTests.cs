using Falconet.Core.Events;
using static Falconet.Scap.Tests.RawCaptureBuilder;

namespace Falconet.Scap.Tests;

/// <summary>EV/EVF blocks carry the 22-byte v1 header without nparams; the reader infers it as libscap does (§2.1).</summary>
public sealed class V1EventHeaderTests
{
    private const ulong Ts = 1_600_000_000_000_000_000;

    private static ScapEvent ReadSingle(RawCaptureBuilder builder)
    {
        using var reader = new ScapReader(new MemoryStream(builder.ToArray()), "v1.scap");
        reader.ReadHeader(new RecordingSink());
        var evt = new ScapEvent();
        Assert.True(reader.TryReadEvent(evt));
        Assert.False(reader.TryReadEvent(new ScapEvent()));
        return evt;
    }

    [Fact]
    public void Old_layout_with_fewer_params_than_the_table_is_inferred()
    {
        // close exit in the OLD layout: only res (the current table has res, fd).
        ScapEvent evt = ReadSingle(new RawCaptureBuilder().SectionHeader(minor: 0).Event(5, Ts, 7, [I64(-9)], v1Header: true));
        Assert.Equal(1, evt.ParamCount);
        Assert.Equal(-9, evt.GetInt64OrDefault(0));
        Assert.Equal(5, evt.Type);
        Assert.Equal(7, evt.ThreadId);
        Assert.Equal(Ts, evt.Timestamp);
    }

    [Fact]
    public void Openat_exit_without_ino_gets_six_params()
    {
        byte[][] p = [I64(3), I64(-100), Str("/etc/passwd"), U32(1), U32(0), U32(0x803)];
        ScapEvent evt = ReadSingle(new RawCaptureBuilder().SectionHeader(minor: 1).Event(307, Ts, 7, p, v1Header: true));
        Assert.Equal(6, evt.ParamCount);
        Assert.Equal("/etc/passwd", evt.GetString(2));
        Assert.Equal(0x803, evt.GetInt64OrDefault(5));
    }

    [Fact]
    public void Full_layout_and_empty_layout_are_inferred()
    {
        ScapEvent full = ReadSingle(new RawCaptureBuilder().SectionHeader().Event(5, Ts, 1, [I64(0), I64(4)], v1Header: true));
        Assert.Equal(2, full.ParamCount);
        Assert.Equal(4, full.GetInt64OrDefault(1));
        ScapEvent none = ReadSingle(new RawCaptureBuilder().SectionHeader().Event(26, Ts, 1, [], v1Header: true));
        Assert.Equal(0, none.ParamCount);
    }

    [Fact]
    public void Empty_params_are_kept_as_absent()
    {
        // connect exit, OLD layout (res, tuple) with a NULL tuple: the lengths still add up to exactly 2 params.
        ScapEvent evt = ReadSingle(new RawCaptureBuilder().SectionHeader().Event(23, Ts, 1, [I64(-111), []], v1Header: true));
        Assert.Equal(2, evt.ParamCount);
        Assert.False(evt.HasParam(1));
    }

    [Theory]
    [InlineData(280)]
    [InlineData(286)]
    public void Notification_and_infrastructure_events_store_a_length_three_too_large(int type)
    {
        byte[][] p = [Str("id"), Str("something happened")];
        ScapEvent evt = ReadSingle(new RawCaptureBuilder().SectionHeader().Event((ushort)type, Ts, -1, p, v1Header: true, lengthDelta: 3));
        Assert.Equal(2, evt.ParamCount);
        Assert.Equal("something happened", evt.GetString(1));
    }

    [Fact]
    public void Flags_block_and_legacy_event_alias_use_the_v1_header()
    {
        var b = new RawCaptureBuilder().SectionHeader()
            .Event(5, Ts, 1, [I64(0), I64(4)], v1Header: true, flags: 1, cpu: 3)
            .Event(5, Ts + 1, 1, [I64(0), I64(5)], v1Header: true, blockType: 0x8010ABCD);
        using var reader = new ScapReader(new MemoryStream(b.ToArray()), "v1.scap");
        var evt = new ScapEvent();
        Assert.True(reader.TryReadEvent(evt));
        Assert.Equal(1u, evt.BlockFlags);
        Assert.Equal(3, evt.Cpu);
        Assert.Equal(4, evt.GetInt64OrDefault(1));
        Assert.True(reader.TryReadEvent(evt));
        Assert.Equal(0u, evt.BlockFlags);
        Assert.Equal(5, evt.GetInt64OrDefault(1));
        Assert.Equal(2UL, evt.Number);
    }

    [Fact]
    public void Lengths_that_never_add_up_are_a_format_error()
    {
        // close exit whose one length says 9 but 3 value bytes follow: no count of 0, 1 or 2 params adds up to the 5 body bytes.
        byte[] evtBytes = EncodeEvent(5, Ts, 1, [[1, 2, 3]], v1Header: true);
        evtBytes[22] = 9;
        var b = new RawCaptureBuilder().SectionHeader().Block(ScapBlockTypes.EventV1, [0, 0, .. evtBytes]);
        using var reader = new ScapReader(new MemoryStream(b.ToArray()), "v1bad.scap");
        reader.ReadHeader(new RecordingSink());
        var ex = Assert.Throws<ScapFormatException>(() => reader.TryReadEvent(new ScapEvent()));
        Assert.Equal(b.BlockOffsets[1], ex.Offset);
        Assert.Equal("EV", ex.BlockName);
        Assert.Contains("cannot infer the parameter count", ex.Message);
    }

    [Fact]
    public void V2_header_uses_the_stored_nparams()
    {
        ScapEvent evt = ReadSingle(new RawCaptureBuilder().SectionHeader().Event(5, Ts, 1, [I64(0)]));
        Assert.Equal(1, evt.ParamCount);
    }
}
