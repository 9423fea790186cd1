using Falconet.Core.Events;
using Falconet.TestKit;

namespace Falconet.Scap.Tests;

/// <summary>
/// sysdig 0.29.3 (an independent reader) as the oracle for what ScapWriter produces. Skipped when sysdig is not installed.
/// </summary>
public sealed class WriterSysdigTests
{
    private const string Format = "*%evt.num %evt.type %evt.dir %proc.name %user.name %user.loginuid %fd.num %fd.name";

    // The columns of scap-format.md §5.2 (thread, user, fd state and arguments): a rewrite must not change any of them.
    private const string RichFormat = "*%evt.num %evt.rawtime %evt.cpu %proc.name %proc.pid %thread.tid %thread.vtid %proc.ppid %proc.exe "
        + "%proc.exepath %proc.args %proc.cwd %proc.sid %proc.vpgid %user.name %user.loginuid %group.gid %evt.dir %evt.type %fd.num "
        + "%fd.type %fd.name %fd.sip %fd.cip %fd.sport %fd.cport %fd.l4proto %fd.connected %fd.name_changed %evt.res %evt.args";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sysdig_reads_a_synthetic_capture_with_state_from_header_and_events(bool compress)
    {
        SysdigTool.Require();
        using var temp = new TempDirectory();
        string path = temp.File(compress ? "synthetic.scap.gz" : "synthetic.scap");
        using (ScapWriter writer = ScapWriter.Create(path, compress))
        {
            ScapSnapshot snapshot = SyntheticCapture.Snapshot();
            // sysdig 0.29.3 refuses a whole file with an fd type newer than FILE_V2 (16), e.g. memfd (20).
            snapshot.Fds.RemoveAll(f => f.Type > Core.Snapshot.ScapFdType.FileV2);
            writer.WriteHeader(snapshot);
            foreach (ScapEvent e in OldLayoutEvents())
            {
                writer.WriteEvent(e);
            }
        }

        string[] lines = SysdigTool.Read(path, Format);
        // Process and user come from PL/UL, fd 5 from FDL, the others from the events themselves. The state-only
        // (EVF flags 1) sendto pair 16/17 is hidden, yet it names fd 7 for the write after it.
        string[] expected =
        [
            "2 open > curl alice 1000 -1 <NA>",
            "3 open < curl alice 1000 4 /etc/hosts",
            "4 read > curl alice 1000 4 /etc/hosts",
            "5 read < curl alice 1000 4 /etc/hosts",
            "6 socket > curl alice 1000 -1 <NA>",
            "7 socket < curl alice 1000 3 ",
            "8 connect > curl alice 1000 3 ",
            "9 connect < curl alice 1000 3 10.0.0.5:54321->93.184.216.34:80",
            "10 write > curl alice 1000 5 10.0.0.5:40000->93.184.216.34:443",
            "11 write < curl alice 1000 5 10.0.0.5:40000->93.184.216.34:443",
            "12 close > curl alice 1000 3 10.0.0.5:54321->93.184.216.34:80",
            "13 close < curl alice 1000 3 10.0.0.5:54321->93.184.216.34:80",
            "14 socket > curl alice 1000 -1 <NA>",
            "15 socket < curl alice 1000 7 ",
            "18 write > curl alice 1000 7 10.0.0.5:5353->8.8.8.8:53",
            "19 write < curl alice 1000 7 10.0.0.5:5353->8.8.8.8:53",
            "20 procexit > curl alice 1000 <NA> <NA>",
        ];
        Assert.Equal(expected, lines);
    }

    [Theory]
    [MemberData(nameof(CaptureNames))]
    public void Sysdig_sees_a_rewritten_shared_capture_exactly_as_the_original(string name)
    {
        SharedData.SkipIfAbsent();
        SysdigTool.Require();
        using var temp = new TempDirectory();
        string rewritten = temp.File(name + ".rewritten.scap");
        using (ScapReader reader = ScapReader.Open(SharedData.Capture(name)))
        {
            (ScapSnapshot snapshot, List<ScapEvent> events) = SyntheticCapture.ReadAll(reader);
            using ScapWriter writer = ScapWriter.Create(rewritten, compress: false);
            writer.WriteHeader(snapshot);
            foreach (ScapEvent e in events)
            {
                writer.WriteEvent(e);
            }
        }

        // -D also prints internal events, so even empty.scap (no visible event) compares 80 lines.
        string[] original = SysdigTool.Read(SharedData.Capture(name), RichFormat, null, "-D");
        string[] again = SysdigTool.Read(rewritten, RichFormat, null, "-D");
        Assert.NotEmpty(original);
        Assert.Equal(original.Length, again.Length);
        for (int i = 0; i < original.Length; i++)
        {
            Assert.True(original[i] == again[i], $"{name} line {i + 1}:\noriginal:  {original[i]}\nrewritten: {again[i]}");
        }
    }

    public static TheoryData<string> CaptureNames() => new(SharedData.CaptureNames);

    /// <summary>Enter/exit pairs in the layouts sysdig 0.29.3 knows (scap-format.md §3.2 "OLD"), ids below 336.</summary>
    private static List<ScapEvent> OldLayoutEvents()
    {
        const long tid = SyntheticCapture.CurlTid;
        ulong ts = SyntheticCapture.BaseTs;
        // A leading CONTAINER_JSON_2 (324, large payload: EV_V2_LARGE block, u32 lengths) bigger than 64 KiB; sysdig
        // consumes it without printing it.
        string containerJson = "{\"container\":{\"id\":\"abcdef123456\",\"name\":\"synth_ctr\",\"type\":0,\"image\":\"busybox\","
            + "\"labels\":{\"big\":\"" + new string('x', 70_000) + "\"}}}";
        return
        [
            EventBuilder.Create(324, ts++, -1).CharBuf(containerJson).Build(),
            EventBuilder.Create(2, ts++, tid).Path("/etc/hosts").UInt32(1).UInt32(0).Build(),
            EventBuilder.Create(3, ts++, tid).Fd(4).Path("/etc/hosts").UInt32(1).UInt32(0).UInt32(0x803).Build(),
            EventBuilder.Create(6, ts++, tid).Fd(4).UInt32(100).Build(),
            EventBuilder.Create(7, ts++, tid).Errno(20).ByteBuf("127.0.0.1 localhost\n").Build(),
            EventBuilder.Create(18, ts++, tid).UInt32(2).UInt32(1).UInt32(0).Build(),
            EventBuilder.Create(19, ts++, tid).Fd(3).Build(),
            EventBuilder.Create(22, ts++, tid).Fd(3).SockAddrV4("93.184.216.34", 80).Build(),
            EventBuilder.Create(23, ts++, tid).Errno(0).SockTupleV4("10.0.0.5", 54321, "93.184.216.34", 80).Build(),
            EventBuilder.Create(8, ts++, tid).Fd(5).UInt32(3).Build(),
            EventBuilder.Create(9, ts++, tid).Errno(3).ByteBuf("abc").Build(),
            EventBuilder.Create(4, ts++, tid).Fd(3).Build(),
            EventBuilder.Create(5, ts++, tid).Errno(0).Build(),
            EventBuilder.Create(18, ts++, tid).UInt32(2).UInt32(2).UInt32(0).Build(),
            EventBuilder.Create(19, ts++, tid).Fd(7).Build(),
            EventBuilder.Create(30, ts++, tid).Fd(7).UInt32(3).SockTupleV4("10.0.0.5", 5353, "8.8.8.8", 53).BlockFlags(1).Build(),
            EventBuilder.Create(31, ts++, tid).Errno(3).ByteBuf("dns").BlockFlags(1).Build(),
            EventBuilder.Create(8, ts++, tid).Fd(7).UInt32(3).Build(),
            EventBuilder.Create(9, ts++, tid).Errno(3).ByteBuf("dns").Build(),
            EventBuilder.Create(186, ts, tid).Errno(0).Errno(0).UInt8(0).UInt8(0).Build(),
        ];
    }
}
