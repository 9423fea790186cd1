using System.Net;
using Falconet.Core.Snapshot;
using static Falconet.Scap.Tests.RawCaptureBuilder;

namespace Falconet.Scap.Tests;

/// <summary>Header-region blocks of every version (scap-format.md §1.5–§1.10), written byte by byte.</summary>
public sealed class HeaderBlockTests
{
    private static RecordingSink ReadHeader(RawCaptureBuilder builder)
    {
        var sink = new RecordingSink();
        using var reader = new ScapReader(new MemoryStream(builder.ToArray()), "header.scap");
        reader.ReadHeader(sink);
        Assert.False(reader.TryReadEvent(new Falconet.Core.Events.ScapEvent()));
        return sink;
    }

    private static ScapFormatException HeaderError(RawCaptureBuilder builder)
    {
        using var reader = new ScapReader(new MemoryStream(builder.ToArray()), "header.scap");
        return Assert.Throws<ScapFormatException>(() => reader.ReadHeader(new RecordingSink()));
    }

    /// <summary>One PL entry of <paramref name="version"/> with fixed values; V9 gets its length prefix and <paramref name="tail"/>.</summary>
    private static byte[] ProcessEntry(int version, long tid, byte[]? tail = null)
    {
        var w = new BodyWriter().U64((ulong)tid).U64((ulong)tid).U64(1);
        if (version >= 6) { w.I64(50); }
        if (version >= 8) { w.I64(60); }
        w.Str16("bash").Str16("/bin/bash");
        if (version >= 7) { w.Str16("/usr/bin/bash"); }
        w.Str16("-c\0ls\0").Str16("/tmp").U64(1024).U32(0x2001).U32(1000).U32(1001);
        if (version >= 2) { w.U32(10).U32(20).U32(30).U64(5).U64(6); }
        if (version >= 3) { w.Str16("A=1\0B=2\0"); }
        if (version >= 4) { w.I64(7).I64(8).Str16("cpu=/x\0memory=/y\0"); }
        if (version >= 5) { w.Str16("/"); }
        if (version < 9)
        {
            return w.ToArray();
        }
        w.Bytes(tail ?? []);
        byte[] fields = w.ToArray();
        return [.. U32((uint)fields.Length + 4), .. fields];
    }

    private static uint ProcessListType(int version) => version switch
    {
        1 => ScapBlockTypes.ProcessListV1,
        2 => ScapBlockTypes.ProcessListV2,
        3 => ScapBlockTypes.ProcessListV3,
        4 => ScapBlockTypes.ProcessListV4,
        5 => ScapBlockTypes.ProcessListV5,
        6 => ScapBlockTypes.ProcessListV6,
        7 => ScapBlockTypes.ProcessListV7,
        8 => ScapBlockTypes.ProcessListV8,
        _ => ScapBlockTypes.ProcessListV9,
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void Process_list_of_every_version(int version)
    {
        byte[] body = [.. ProcessEntry(version, 100), .. ProcessEntry(version, 101)];
        RecordingSink sink = ReadHeader(new RawCaptureBuilder().SectionHeader().Block(ProcessListType(version), body));

        Assert.Equal([100L, 101L], sink.Threads.Select(t => t.Tid));
        ThreadRecord t = sink.Threads[0];
        Assert.Equal(100, t.Pid);
        Assert.Equal(1, t.ParentTid);
        Assert.Equal("bash", t.Comm);
        Assert.Equal("/bin/bash", t.Exe);
        Assert.Equal(["-c", "ls"], t.Args);
        Assert.Equal("/tmp", t.Cwd);
        Assert.Equal(1024UL, t.FdLimit);
        Assert.Equal(0x2001u, t.Flags);
        Assert.Equal(1000u, t.Uid);
        Assert.Equal(1001u, t.Gid);
        Assert.Equal(version >= 6 ? 50 : -1, t.Sid);
        Assert.Equal(version >= 8 ? 60 : -1, t.Vpgid);
        Assert.Equal(version >= 7 ? "/usr/bin/bash" : "", t.ExePath);
        Assert.Equal(version >= 2 ? 20u : 0u, t.VmRssKb);
        Assert.Equal(version >= 2 ? 6UL : 0UL, t.PageFaultsMinor);
        Assert.Equal(version >= 3 ? ["A=1", "B=2"] : [], t.Env);
        Assert.Equal(version >= 4 ? 7 : -1, t.Vtid);
        Assert.Equal(version >= 4 ? 8 : -1, t.Vpid);
        Assert.Equal(version >= 4 ? ["cpu=/x", "memory=/y"] : [], t.Cgroups);
        Assert.Equal(version >= 5 ? "/" : "", t.Root);
        Assert.Equal(uint.MaxValue, t.LoginUid);
        Assert.Equal(-1, t.Pgid);
    }

    [Fact]
    public void Process_list_v9_compat_tail()
    {
        byte[] tail = new BodyWriter().U32(1000).U8(1).U64(1).U64(2).U64(3).ToArray();
        Assert.Equal(29, tail.Length);
        RecordingSink sink = ReadHeader(new RawCaptureBuilder().SectionHeader()
            .Block(ScapBlockTypes.ProcessListV9, [.. ProcessEntry(9, 100, tail), .. ProcessEntry(9, 101, U32(0))]));
        ThreadRecord t = sink.Threads[0];
        Assert.Equal(1000u, t.LoginUid);
        Assert.True(t.ExeWritable);
        Assert.Equal((1UL, 2UL, 3UL), (t.CapInheritable, t.CapPermitted, t.CapEffective));
        Assert.Equal(0UL, t.PidNsInitStartTs);
        Assert.Equal(0u, sink.Threads[1].LoginUid);
        Assert.False(sink.Threads[1].ExeWritable);
    }

    [Fact]
    public void Process_list_v9_new_tail_and_unknown_extra_bytes()
    {
        byte[] tail = new BodyWriter().U64(11).U32(34817).U32(1000).U8(1).U64(1).U64(2).U64(3).U8(1)
            .U64(99).U64(100).U64(101).U8(1).U8(1).I64(4242).U64(0xDEAD).ToArray();
        Assert.Equal(76 + 8, tail.Length);
        RecordingSink sink = ReadHeader(new RawCaptureBuilder().SectionHeader()
            .Block(ScapBlockTypes.ProcessListV9, [.. ProcessEntry(9, 100, tail), .. ProcessEntry(9, 101)]));
        ThreadRecord t = sink.Threads[0];
        Assert.Equal(11UL, t.PidNsInitStartTs);
        Assert.Equal(34817u, t.Tty);
        Assert.Equal(1000u, t.LoginUid);
        Assert.True(t.ExeWritable);
        Assert.Equal((1UL, 2UL, 3UL), (t.CapInheritable, t.CapPermitted, t.CapEffective));
        Assert.True(t.ExeUpperLayer);
        Assert.Equal((99UL, 100UL, 101UL), (t.ExeIno, t.ExeInoCtime, t.ExeInoMtime));
        Assert.True(t.ExeFromMemfd);
        Assert.True(t.ExeLowerLayer);
        Assert.Equal(4242, t.Pgid);
        Assert.Equal(101, sink.Threads[1].Tid);
        Assert.Equal(uint.MaxValue, sink.Threads[1].LoginUid);
    }

    [Fact]
    public void Process_list_string_over_the_limit_is_a_positioned_error()
    {
        byte[] entry = new BodyWriter().U64(1).U64(1).U64(0).Str16(new string('x', 1025)).ToArray();
        var b = new RawCaptureBuilder().SectionHeader().Block(ScapBlockTypes.ProcessListV1, entry);
        ScapFormatException ex = HeaderError(b);
        Assert.Equal(b.BlockOffsets[1], ex.Offset);
        Assert.Equal("PL_V1", ex.BlockName);
        Assert.Contains("comm length 1025", ex.Message);
        Assert.Contains($"byte offset {b.BlockOffsets[1]}", ex.Message);
    }

    [Fact]
    public void Interface_lists_v1_all_four_types_and_v2()
    {
        byte[] v1 = new BodyWriter()
            .U16(1).U16(2).Bytes([127, 0, 0, 1]).Bytes([255, 0, 0, 0]).Bytes([127, 255, 255, 255]).U64(10).Bytes("lo"u8)
            .U16(2).U16(4).Bytes(IPAddress.Parse("::1").GetAddressBytes()).Bytes(new byte[16]).Bytes(new byte[16]).U64(20).Bytes("eth0"u8)
            .U16(3).U16(2).Bytes([10, 0, 0, 5]).Bytes([255, 255, 255, 0]).Bytes([10, 0, 0, 255]).Bytes("e1"u8)
            .U16(4).U16(2).Bytes(IPAddress.Parse("2001:db8::5").GetAddressBytes()).Bytes(new byte[16]).Bytes(new byte[16]).Bytes("e2"u8)
            .ToArray();
        byte[] v2Entry = new BodyWriter().U16(1).U16(3).Bytes([192, 168, 1, 2]).Bytes([255, 255, 0, 0]).Bytes([192, 168, 255, 255]).U64(1000).Bytes("wl0"u8).ToArray();
        byte[] v2 = [.. U32((uint)v2Entry.Length), .. v2Entry, .. U32(6), .. new BodyWriter().U16(9).U32(0).ToArray(), .. U32((uint)v2Entry.Length), .. v2Entry];
        RecordingSink sink = ReadHeader(new RawCaptureBuilder().SectionHeader()
            .Block(ScapBlockTypes.InterfaceListV1, v1)
            .Block(ScapBlockTypes.InterfaceListV2, v2));

        Assert.Equal(["lo", "eth0", "e1", "e2", "wl0", "wl0"], sink.Interfaces.Select(i => i.Name));
        Assert.Equal(IPAddress.Parse("127.0.0.1"), sink.Interfaces[0].Address);
        Assert.Equal(IPAddress.Parse("255.0.0.0"), sink.Interfaces[0].Netmask);
        Assert.Equal(10UL, sink.Interfaces[0].LinkSpeed);
        Assert.Equal(IPAddress.IPv6Loopback, sink.Interfaces[1].Address);
        Assert.Equal(IPAddress.Parse("10.0.0.5"), sink.Interfaces[2].Address);
        Assert.Equal(0UL, sink.Interfaces[2].LinkSpeed);
        Assert.Equal(IPAddress.Parse("2001:db8::5"), sink.Interfaces[3].Address);
        Assert.Equal(IPAddress.Parse("192.168.1.2"), sink.Interfaces[4].Address);
        Assert.Equal(1000UL, sink.Interfaces[4].LinkSpeed);
    }

    [Fact]
    public void User_lists_v1_and_v2()
    {
        byte[] user = new BodyWriter().U8(0).U32(1000).U32(100).Str16("alice").Str16("/home/alice").Str16("/bin/zsh").ToArray();
        byte[] group = new BodyWriter().U8(1).U32(100).Str16("users").ToArray();
        byte[] v2 = [.. U32((uint)user.Length + 4 + 3), .. user, 0xEE, 0xEE, 0xEE, .. U32((uint)group.Length + 4), .. group];
        RecordingSink sink = ReadHeader(new RawCaptureBuilder().SectionHeader()
            .Block(ScapBlockTypes.UserListV1, [.. user, .. group])
            .Block(ScapBlockTypes.UserListV2, v2));
        Assert.Equal(2, sink.Users.Count);
        Assert.All(sink.Users, u => Assert.Equal(new UserRecord(1000, 100, "alice", "/home/alice", "/bin/zsh"), u));
        Assert.Equal(2, sink.Groups.Count);
        Assert.All(sink.Groups, g => Assert.Equal(new GroupRecord(100, "users"), g));
    }

    private static byte[] FdEntries(bool v2)
    {
        var entries = new List<byte[]>
        {
            new BodyWriter().I64(0).U64(11).U8(1).Str16("/dev/null").ToArray(),
            new BodyWriter().I64(1).U64(12).U8(2).Str16("/tmp").ToArray(),
            new BodyWriter().I64(3).U64(13).U8(3).Bytes([10, 0, 0, 5]).Bytes([93, 184, 216, 34]).U16(40000).U16(443).U8(2).ToArray(),
            new BodyWriter().I64(4).U64(14).U8(4).Bytes(IPAddress.Parse("2001:db8::5").GetAddressBytes())
                .Bytes(IPAddress.Parse("2001:db8::1").GetAddressBytes()).U16(50000).U16(80).U8(3).ToArray(),
            new BodyWriter().I64(5).U64(15).U8(5).Bytes([0, 0, 0, 0]).U16(111).U8(2).ToArray(),
            new BodyWriter().I64(6).U64(16).U8(6).Bytes(new byte[16]).U16(22).U8(2).ToArray(),
            new BodyWriter().I64(7).U64(17).U8(8).U64(0xffff9a0000001000).U64(0xffff9a0000002000).Str16("/run/test.sock").ToArray(),
            new BodyWriter().I64(8).U64(18).U8(16).U32(0x803).Str16("/var/log/x").Bytes(v2 ? U32(0x10301) : []).ToArray(),
        };
        for (byte type = 7; type <= 21; type++)
        {
            if (type is not (8 or 16))
            {
                entries.Add(new BodyWriter().I64(100 + type).U64(type).U8(type).Str16("n" + type).ToArray());
            }
        }
        var body = new BodyWriter().U64(4242);
        foreach (byte[] e in entries)
        {
            if (v2)
            {
                body.U32((uint)e.Length + 4);
            }
            body.Bytes(e);
        }
        return body.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fd_lists_with_every_fd_type(bool v2)
    {
        RecordingSink sink = ReadHeader(new RawCaptureBuilder().SectionHeader()
            .Block(v2 ? ScapBlockTypes.FdListV2 : ScapBlockTypes.FdListV1, FdEntries(v2)));
        Assert.Equal(8 + 13, sink.Fds.Count);
        Assert.All(sink.Fds, f => Assert.Equal(4242, f.Tid));
        FdRecord Fd(long n) => sink.Fds.Single(f => f.Fd == n);

        Assert.Equal((ScapFdType.File, "/dev/null", 11UL), (Fd(0).Type, Fd(0).Name, Fd(0).Ino));
        Assert.Equal((ScapFdType.Directory, "/tmp"), (Fd(1).Type, Fd(1).Name));
        Assert.Equal(ScapFdType.Ipv4Socket, Fd(3).Type);
        Assert.Equal((IPAddress.Parse("10.0.0.5"), (ushort)40000), (Fd(3).SourceIp, Fd(3).SourcePort));
        Assert.Equal((IPAddress.Parse("93.184.216.34"), (ushort)443, (byte)2), (Fd(3).DestinationIp, Fd(3).DestinationPort, Fd(3).L4Proto));
        Assert.Equal((IPAddress.Parse("2001:db8::1"), (ushort)80, (byte)3), (Fd(4).DestinationIp, Fd(4).DestinationPort, Fd(4).L4Proto));
        Assert.Equal((ScapFdType.Ipv4ServerSocket, IPAddress.Any, (ushort)111), (Fd(5).Type, Fd(5).SourceIp, Fd(5).SourcePort));
        Assert.Equal((ScapFdType.Ipv6ServerSocket, IPAddress.IPv6Any, (ushort)22), (Fd(6).Type, Fd(6).SourceIp, Fd(6).SourcePort));
        Assert.Equal((0xffff9a0000001000UL, 0xffff9a0000002000UL, "/run/test.sock"), (Fd(7).UnixSource, Fd(7).UnixDestination, Fd(7).Name));
        Assert.Equal((ScapFdType.FileV2, 0x803u, "/var/log/x", v2 ? 0x10301u : 0u), (Fd(8).Type, Fd(8).OpenFlags, Fd(8).Name, Fd(8).Dev));
        Assert.Equal((ScapFdType.Memfd, "n20"), (Fd(120).Type, Fd(120).Name));
        Assert.Equal((ScapFdType.PidFd, "n21"), (Fd(121).Type, Fd(121).Name));
    }

    [Fact]
    public void Fd_list_v2_unknown_type_is_kept_as_unsupported_and_skipped()
    {
        byte[] unknown = new BodyWriter().I64(9).U64(0).U8(77).Bytes([1, 2, 3, 4, 5]).ToArray();
        byte[] known = new BodyWriter().I64(10).U64(0).U8(1).Str16("/after").ToArray();
        byte[] body = [.. new BodyWriter().U64(1).ToArray(), .. U32((uint)unknown.Length + 4), .. unknown, .. U32((uint)known.Length + 4), .. known];
        RecordingSink sink = ReadHeader(new RawCaptureBuilder().SectionHeader().Block(ScapBlockTypes.FdListV2, body));
        Assert.Equal((ScapFdType.Unsupported, "unknown-type:[77]"), (sink.Fds[0].Type, sink.Fds[0].Name));
        Assert.Equal("/after", sink.Fds[1].Name);
    }

    [Fact]
    public void Fd_list_v1_unknown_type_cannot_be_skipped()
    {
        byte[] body = new BodyWriter().U64(1).I64(9).U64(0).U8(77).U32(0).ToArray();
        var b = new RawCaptureBuilder().SectionHeader().Block(ScapBlockTypes.FdListV1, body);
        ScapFormatException ex = HeaderError(b);
        Assert.Equal(b.BlockOffsets[1], ex.Offset);
        Assert.Contains("unknown fd type 77", ex.Message);
    }

    [Fact]
    public void Legacy_aliases_unknown_blocks_and_section_header_options()
    {
        byte[] options = new BodyWriter().U16(1).U16(5).Bytes("hello"u8).Bytes([0, 0, 0]).U16(0).U16(0).ToArray();
        byte[] machine = new RawCaptureBuilder().MachineInfo(hostname: "legacy").ToArray()[8..^4];
        RecordingSink sink = ReadHeader(new RawCaptureBuilder().SectionHeader(minor: 0, options: options)
            .Block(0x8002ABCD, machine)
            .Block(0x0BADBEEF, [1, 2, 3, 4, 5, 6, 7, 8])
            .Block(0x8011ABCD, new BodyWriter().U16(3).U16(2).Bytes([10, 0, 0, 5]).Bytes([255, 255, 255, 0]).Bytes([10, 0, 0, 255]).Bytes("e1"u8).ToArray())
            .Block(0x8012ABCD, new BodyWriter().U8(1).U32(7).Str16("g7").ToArray())
            .Block(0x8000ABCD, ProcessEntry(1, 300))
            .Block(0x8013ABCD, ProcessEntry(2, 301))
            .Block(0x8014ABCD, ProcessEntry(3, 302))
            .Block(0x8001ABCD, new BodyWriter().U64(300).I64(0).U64(0).U8(1).Str16("/x").ToArray()));
        Assert.Equal("legacy", sink.Machine?.Hostname);
        Assert.Equal(2u, sink.Machine?.CpuCount);
        Assert.Equal(42UL, sink.Machine?.BootTimeEpochNs);
        Assert.Equal("e1", Assert.Single(sink.Interfaces).Name);
        Assert.Equal("g7", Assert.Single(sink.Groups).Name);
        Assert.Equal([300L, 301L, 302L], sink.Threads.Select(t => t.Tid));
        Assert.Equal(["A=1", "B=2"], sink.Threads[2].Env);
        Assert.Equal("/x", Assert.Single(sink.Fds).Name);
    }

    [Fact]
    public void Machine_info_of_the_wrong_size_is_an_error()
    {
        var b = new RawCaptureBuilder().SectionHeader().Block(ScapBlockTypes.MachineInfo, new byte[176]);
        ScapFormatException ex = HeaderError(b);
        Assert.Equal("MI", ex.BlockName);
        Assert.Contains("machine info body is 176 bytes", ex.Message);
    }
}
