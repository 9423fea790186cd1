using Falconet.Core.Events;
using Falconet.TestKit;

namespace Falconet.Scap.Tests;

/// <summary>The TestKit builder must produce the wire encodings of scap-format.md §2.3/§2.4, or every test built on it is wrong.</summary>
public sealed class EventBuilderTests
{
    [Fact]
    public void Socktuple_v4_is_family_sip_sport_dip_dport()
    {
        ScapEvent e = EventBuilder.Create(23, 1, 2).Errno(0).SockTupleV4("10.0.0.5", 54321, "93.184.216.34", 80).Build();
        Assert.Equal(Convert.FromHexString("02" + "0a000005" + "31d4" + "5db8d822" + "5000"), e.GetParam(1).ToArray());
    }

    [Fact]
    public void Socktuple_v6_matches_the_curl_google_example()
    {
        // scap-format.md §2.4: curl_google #1189, 2600:1f18:262c:6542:9aa6:df7a:9a47:d29e port 15262 -> 2001:4860:4860::8888 port 53.
        ScapEvent e = EventBuilder.Create(23, 1, 2).Errno(0)
            .SockTupleV6("2600:1f18:262c:6542:9aa6:df7a:9a47:d29e", 15262, "2001:4860:4860::8888", 53).Build();
        Assert.Equal(Convert.FromHexString(
            "0a" + "26001f18262c65429aa6df7a9a47d29e" + "9e3b" + "20014860486000000000000000008888" + "3500"), e.GetParam(1).ToArray());
    }

    [Fact]
    public void Unix_socktuple_and_sockaddr_end_with_nul()
    {
        ScapEvent e = EventBuilder.Create(23, 1, 2).Errno(-2).SockTupleUnix(0, 0xffff88003c420800, "/var/run/nscd/socket")
            .Fd(3).SockAddrUnix("/var/run/nscd/socket").Build();
        byte[] path = "/var/run/nscd/socket\0"u8.ToArray();
        Assert.Equal([0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x08, 0x42, 0x3c, 0x00, 0x88, 0xff, 0xff, .. path], e.GetParam(1).ToArray());
        Assert.Equal([0x01, .. path], e.GetParam(3).ToArray());
        Assert.Equal(-2, e.GetInt64OrDefault(0));
    }

    [Fact]
    public void Sockaddr_v6_is_family_ip_port()
    {
        ScapEvent e = EventBuilder.Create(22, 1, 2).Fd(3).SockAddrV6("2001:db8::1", 443).Build();
        Assert.Equal(Convert.FromHexString("0a" + "20010db8000000000000000000000001" + "bb01"), e.GetParam(1).ToArray());
    }

    [Fact]
    public void Strings_carry_their_nul_and_lists_end_each_item_with_nul()
    {
        ScapEvent e = EventBuilder.ExecveExit(5, 100, 100, 1, "curl", ["-6", "http://x"], "/tmp", "curl", "/usr/bin/curl", uid: 1000);
        Assert.Equal("curl\0"u8.ToArray(), e.GetParam(1).ToArray());
        Assert.Equal("-6\0http://x\0"u8.ToArray(), e.GetParam(2).ToArray());
        Assert.Equal("curl", e.GetString(13));
        Assert.Equal(31, e.ParamCount);
        Assert.Equal(e.Info.Parameters.Count, e.ParamCount);
        Assert.True(e.TryGetUInt64(26, out ulong uid) && uid == 1000);
        Assert.Equal("/usr/bin/curl", e.GetString(27));
    }

    [Fact]
    public void Helpers_fill_every_parameter_of_their_layout()
    {
        ScapEvent[] events =
        [
            EventBuilder.OpenatExit(1, 1, 3, "/etc/passwd"),
            EventBuilder.CloseExit(1, 1, 3),
            EventBuilder.SocketExit(1, 1, 3),
            EventBuilder.ConnectEnterV4(1, 1, 3, "1.2.3.4", 80),
            EventBuilder.ConnectExitV4(1, 1, 3, "10.0.0.1", 1000, "1.2.3.4", 80),
            EventBuilder.ReadExit(1, 1, 3, "x"),
            EventBuilder.WriteExit(1, 1, 3, "x"),
            EventBuilder.ProcExit(1, 1),
            EventBuilder.CloneExit(1, 1, 2, "bash", [], 1, 1, 0, "/", "bash"),
        ];
        Assert.All(events, e => Assert.Equal(e.Info.Parameters.Count, e.ParamCount));
        Assert.False(EventBuilder.ConnectExitV4(1, 1, 3, "10.0.0.1", 1000, "1.2.3.4", 80, res: -111).HasParam(1));
    }

    [Fact]
    public void Build_rejects_wrong_widths_and_extra_parameters()
    {
        Assert.Throws<InvalidOperationException>(() => EventBuilder.Create(5, 1, 1).UInt32(0).Build());
        Assert.Throws<InvalidOperationException>(() => EventBuilder.Create(5, 1, 1).Errno(0).Fd(1).Fd(2).Build());
        Assert.Throws<ArgumentOutOfRangeException>(() => EventBuilder.Create(EventTable.EventMax, 1, 1));
    }
}
