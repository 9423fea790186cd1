using System.Net;
using System.Net.Sockets;
using System.Text;
using Falconet.Core.Alerts;
using Falconet.Outputs.Sinks;
using Falconet.TestKit;

namespace Falconet.Outputs.Tests;

public sealed class SinkTests
{
    [Fact]
    public void Stream_sink_writes_one_line_per_alert()
    {
        using MemoryStream stream = new();
        using (StreamAlertSink sink = new(stream, buffered: false))
        {
            sink.Emit(TestAlerts.Text(1));
            sink.Emit(TestAlerts.Json(2));
        }

        string[] lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.EndsWith(": Warning alert number 1", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("{\"hostname\":\"host\"", lines[1], StringComparison.Ordinal);
        Assert.Equal("", lines[2]);
    }

    [Fact]
    public void Unbuffered_stream_sink_writes_each_line_with_its_newline_in_one_write()
    {
        using WriteCountingStream stream = new();
        using (StreamAlertSink sink = new(stream, buffered: false))
        {
            sink.Emit(TestAlerts.Text(1));
            sink.Emit(TestAlerts.Json(2));
            // Longer than the sink's first line buffer, so the buffer grows.
            sink.Emit(new AlertFormatter(new AlertFormatOptions()).Format(TestAlerts.Make(3) with { Output = new string('x', 10_000) }));
        }

        Assert.Equal(3, stream.Writes.Count);
        Assert.All(stream.Writes, w => Assert.EndsWith("\n", w, StringComparison.Ordinal));
        Assert.All(stream.Writes, w => Assert.Single(w.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.EndsWith(": Warning alert number 1\n", stream.Writes[0], StringComparison.Ordinal);
        Assert.StartsWith("{\"hostname\":\"host\"", stream.Writes[1], StringComparison.Ordinal);
        Assert.Contains(new string('x', 10_000), stream.Writes[2], StringComparison.Ordinal);
    }

    private sealed class WriteCountingStream : MemoryStream
    {
        public List<string> Writes { get; } = [];

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes.Add(Encoding.UTF8.GetString(buffer, offset, count));
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes.Add(Encoding.UTF8.GetString(buffer));
            base.Write(buffer);
        }

        public override void WriteByte(byte value)
        {
            Writes.Add(((char)value).ToString());
            base.WriteByte(value);
        }
    }

    [Fact]
    public void Buffered_stream_sink_writes_on_flush()
    {
        using MemoryStream stream = new();
        using StreamAlertSink sink = new(stream, buffered: true);

        sink.Emit(TestAlerts.Text(1));
        Assert.Equal(0, stream.Length);
        sink.Flush();

        Assert.EndsWith("alert number 1\n", Encoding.UTF8.GetString(stream.ToArray()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void File_sink_appends_to_existing_content(bool keepAlive)
    {
        using TempDirectory dir = new();
        string path = dir.File("events.txt");
        File.WriteAllText(path, "earlier\n");

        using (FileAlertSink sink = new(new FileOutputOptions { Filename = path, KeepAlive = keepAlive }))
        {
            sink.Emit(TestAlerts.Text(1));
            sink.Emit(TestAlerts.Text(2));
            // Unbuffered: each line is on disk before the next alert, kept open or not.
            Assert.Equal(3, File.ReadAllLines(path).Length);
        }

        string[] lines = File.ReadAllLines(path);
        Assert.Equal("earlier", lines[0]);
        Assert.EndsWith("alert number 1", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("alert number 2", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void File_sink_reopen_starts_a_new_file_after_rotation()
    {
        using TempDirectory dir = new();
        string path = dir.File("events.txt");
        using FileAlertSink sink = new(new FileOutputOptions { Filename = path, KeepAlive = true });

        sink.Emit(TestAlerts.Text(1));
        File.Move(path, dir.File("events.txt.1"));
        sink.Reopen();
        sink.Emit(TestAlerts.Text(2));

        Assert.EndsWith("alert number 1", Assert.Single(File.ReadAllLines(dir.File("events.txt.1"))), StringComparison.Ordinal);
        Assert.EndsWith("alert number 2", Assert.Single(File.ReadAllLines(path)), StringComparison.Ordinal);
    }

    [Fact]
    public void File_sink_reports_an_unwritable_path()
    {
        using TempDirectory dir = new();
        using FileAlertSink sink = new(new FileOutputOptions { Filename = dir.File("missing/dir/events.txt") });

        IOException error = Assert.Throws<IOException>(() => sink.Emit(TestAlerts.Text(1)));
        Assert.Contains("missing/dir/events.txt", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Program_sink_writes_each_alert_to_the_program_stdin(bool keepAlive)
    {
        Assert.SkipUnless(File.Exists("/bin/sh"), "/bin/sh is absent");
        using TempDirectory dir = new();
        string path = dir.File("program-out.txt");

        using (ProgramAlertSink sink = new(new ProgramOutputOptions { Program = "cat >> '" + path + "'", KeepAlive = keepAlive }))
        {
            sink.Emit(TestAlerts.Text(1));
            sink.Emit(TestAlerts.Text(2));
        } // closing stdin ends cat and waits for it, so the file is complete here

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("alert number 1", lines[0], StringComparison.Ordinal);
        Assert.EndsWith("alert number 2", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Syslog_sink_sends_an_rfc3164_datagram_with_user_facility()
    {
        using TempDirectory dir = new();
        string socketPath = dir.File("log.sock");
        using Socket server = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint(socketPath));
        server.ReceiveTimeout = 30_000;

        FormattedAlert alert = TestAlerts.Text(7, Priority.Notice);
        using (SyslogAlertSink sink = new(new SyslogOutputOptions { SocketPath = socketPath, Tag = "falco" }))
        {
            sink.Emit(alert);
        }

        byte[] buffer = new byte[4096];
        int received = server.Receive(buffer);
        string datagram = Encoding.UTF8.GetString(buffer, 0, received);
        // LOG_USER (1) * 8 + LOG_NOTICE (5) = 13.
        Assert.Matches(@"^<13>[A-Z][a-z]{2} [ 1-3][0-9] \d\d:\d\d:\d\d falco: ", datagram);
        Assert.EndsWith(": " + alert.Message, datagram, StringComparison.Ordinal);
        Assert.False(datagram.EndsWith('\n'));
    }

    [Fact]
    public void Syslog_header_uses_priority_as_severity_and_space_padded_day()
    {
        SyslogAlertSink sink = new(new SyslogOutputOptions { Facility = 16, Tag = "t" });

        byte[] datagram = sink.BuildDatagram(Priority.Emergency, "msg", new DateTime(2024, 3, 5, 7, 8, 9, DateTimeKind.Local));

        Assert.Equal("<128>Mar  5 07:08:09 t: msg", Encoding.UTF8.GetString(datagram));
    }

    [Fact]
    public void Syslog_sink_reports_a_missing_socket()
    {
        using TempDirectory dir = new();
        using SyslogAlertSink sink = new(new SyslogOutputOptions { SocketPath = dir.File("none.sock") });

        IOException error = Assert.Throws<IOException>(() => sink.Emit(TestAlerts.Text(1)));
        Assert.Contains("none.sock", error.Message, StringComparison.Ordinal);
    }
}
