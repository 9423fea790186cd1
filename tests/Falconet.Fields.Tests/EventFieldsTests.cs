using Falconet.Core.Events;
using Falconet.Fields.OutputFormats;
using Falconet.State;
using Falconet.TestKit;

namespace Falconet.Fields.Tests;

public sealed class EventFieldsTests
{
    // 2016-08-04T16:17:57.881730713Z, as in expected/field_battery/cat_write.jsonl.
    private const ulong Ts = 1470327477881730713;

    private static string? Text(string reference, EventContext context)
    {
        OutputFormat format = OutputFormat.Parse("%" + reference, FieldRegistry.Default);
        string text = format.RenderText(context);
        return text.Length == 0 ? null : text;
    }

    private static bool TryGet(string reference, EventContext context, out FieldValue value, out FieldExtractor extractor)
    {
        Assert.True(FieldRegistry.Default.TryResolve(reference, out FieldDescriptor? field, out string? dotted), reference);
        extractor = field.CreateExtractor(dotted is null ? null : new FieldArgument(dotted));
        value = default;
        return extractor.TryExtract(context, ref value);
    }

    private static EventContext OpenatContext(long fd = 3, string path = "/etc/passwd", uint flags = 4097)
    {
        ThreadInfo thread = TestContexts.Thread();
        FdInfo file = TestContexts.FileFd(fd, path);
        if (fd >= 0)
        {
            thread.Fds.Set(file);
        }
        ScapEvent evt = EventBuilder.OpenatExit(Ts, thread.Tid, fd, path, flags);
        evt.Number = 137;
        return TestContexts.For(evt, thread, fd >= 0 ? file : null);
    }

    [Fact]
    public void Time_fields_render_utc_and_json_gives_the_timestamp()
    {
        EventContext c = OpenatContext();
        Assert.Equal("16:17:57.881730713", Text("evt.time", c));
        Assert.Equal("16:17:57", Text("evt.time.s", c));
        Assert.Equal("2016-08-04T16:17:57.881730713+0000", Text("evt.time.iso8601", c));
        Assert.Equal("2016-08-04 16:17:57.881730713", Text("evt.datetime", c));
        Assert.Equal("2016-08-04 16:17:57", Text("evt.datetime.s", c));
        Assert.Equal("1470327477881730713", Text("evt.rawtime", c));
        Assert.Equal("1470327477", Text("evt.rawtime.s", c));
        Assert.Equal("881730713", Text("evt.rawtime.ns", c));
        Assert.True(TryGet("evt.time", c, out FieldValue v, out FieldExtractor e));
        Assert.Equal(JsonFieldKind.Number, FieldValueFormatter.JsonKindOf(e));
        Assert.Equal((long)Ts, v.Int);
    }

    [Fact]
    public void Rawtime_ns_is_zero_padded()
    {
        ScapEvent evt = EventBuilder.CloseExit(1_000_000_042, 1, 3);
        Assert.Equal("000000042", Text("evt.rawtime.ns", TestContexts.For(evt)));
    }

    [Fact]
    public void Basic_event_fields()
    {
        EventContext c = OpenatContext();
        Assert.Equal("137", Text("evt.num", c));
        Assert.Equal("openat", Text("evt.type", c));
        Assert.Equal("openat", Text("syscall.type", c));
        Assert.Equal("<", Text("evt.dir", c));
        Assert.Equal("file", Text("evt.category", c));
        Assert.Equal("false", Text("evt.is_io", c));
        Assert.Equal("syscall", Text("evt.source", c));
        Assert.Equal("SUCCESS", Text("evt.res", c));
        Assert.Equal("3", Text("evt.rawres", c));
        Assert.Equal("false", Text("evt.failed", c));
        Assert.Equal("true", Text("evt.is_open_read", c));
        Assert.Equal("false", Text("evt.is_open_write", c));
        Assert.True(TryGet("evt.type.is.openat", c, out FieldValue isOpenat, out _));
        Assert.Equal(1, isOpenat.Int);
        Assert.True(TryGet("evt.type.is.close", c, out FieldValue isClose, out _));
        Assert.Equal(0, isClose.Int);
    }

    [Fact]
    public void Type_is_compares_in_conditions_and_prints_not_available_as_falco()
    {
        // Falco 0.44.1 prints evt.type.is.X as <NA> (null in output_fields) on every event; conditions see 1 or 0.
        EventContext c = OpenatContext();
        Assert.Equal("<NA>", Text("evt.type.is.openat", c));
        Assert.True(TryGet("evt.type.is.openat", c, out FieldValue value, out _));
        Assert.Equal(1, value.Int);
    }

    [Fact]
    public void Thread_cpu_fields_share_one_total_per_thread_as_libsinsp()
    {
        // Falco 0.44.1 on a procinfo with cpu_usr=40, cpu_sys=25: "%thread.cpu %thread.cpu.user %thread.cpu.system"
        // prints 0.0 100.0 100.0 (first: no previous total; then 40-65 and 25-40 wrap and cap at 100), and
        // "%thread.cpu.user %thread.cpu" prints 0.0 25.0.
        ThreadInfo thread = TestContexts.Thread();
        EventContext c = TestContexts.For(EventBuilder.Create(234, Ts, thread.Tid).UInt64(40).UInt64(25).Build(), thread);
        Assert.Equal("0.0 100.0 100.0", OutputFormat.Parse("%thread.cpu %thread.cpu.user %thread.cpu.system", FieldRegistry.Default).RenderText(c));
        thread.CpuFieldTotal = 0;
        Assert.Equal("0.0 25.0", OutputFormat.Parse("%thread.cpu.user %thread.cpu", FieldRegistry.Default).RenderText(c));
        ScapEvent close = EventBuilder.CloseExit(Ts, thread.Tid, 3);
        Assert.Equal("<NA>", Text("thread.cpu", TestContexts.For(close, thread)));
    }

    [Fact]
    public void Result_is_the_res_parameter_whatever_its_type_as_libsinsp_reads_it()
    {
        // brk's res is an address (u64): SUCCESS in Falco 0.44.1, not "no result".
        ScapEvent brk = EventBuilder.Create(159, Ts, 1).UInt64(0x926000).UInt32(360).UInt32(4).UInt32(0).UInt64(0).Build();
        EventContext c = TestContexts.For(brk, TestContexts.Thread());
        Assert.Equal("SUCCESS", Text("evt.res", c));
        Assert.Equal("9592832", Text("evt.rawres", c));
        Assert.Equal("false", Text("evt.failed", c));
        Assert.Equal("0", Text("evt.count.error", c));
    }

    [Fact]
    public void Failed_open_reports_errno_name()
    {
        EventContext c = OpenatContext(fd: -2, path: "/nope");
        Assert.Equal("ENOENT", Text("evt.res", c));
        Assert.Equal("-2", Text("evt.rawres", c));
        Assert.Equal("true", Text("evt.failed", c));
        Assert.Equal("1", Text("evt.count.error", c));
        Assert.Equal("1", Text("evt.count.error.file", c));
        Assert.StartsWith("fd=-2(ENOENT) dirfd=-100(AT_FDCWD) name=/nope", Text("evt.args", c), StringComparison.Ordinal);
    }

    [Fact]
    public void Events_without_return_value_have_no_res()
    {
        ScapEvent procexit = EventBuilder.ProcExit(Ts, 100);
        EventContext c = TestContexts.For(procexit);
        Assert.False(TryGet("evt.res", c, out _, out _));
        Assert.False(TryGet("evt.rawres", c, out _, out _));
        Assert.False(TryGet("evt.failed", c, out _, out _));
        Assert.Equal("process", Text("evt.category", c));
    }

    [Fact]
    public void Io_events_take_the_category_of_their_fd()
    {
        ThreadInfo thread = TestContexts.Thread();
        FdInfo socket = TestContexts.TcpFd(4, "10.0.0.1:5000->10.0.0.2:80");
        thread.Fds.Set(socket);
        EventContext net = TestContexts.For(EventBuilder.ReadExit(Ts, thread.Tid, 4, "GET / HTTP/1.1\r\n"), thread, socket);
        Assert.Equal("net", Text("evt.category", net));
        Assert.Equal("true", Text("evt.is_io", net));
        Assert.Equal("true", Text("evt.is_io_read", net));
        Assert.Equal("read", Text("evt.io_dir", net));
        Assert.Equal("16", Text("evt.buflen", net));
        Assert.Equal("GET / HTTP/1.1..", Text("evt.buffer", net));
        EventContext none = TestContexts.For(EventBuilder.ReadExit(Ts, thread.Tid, 9, "x"), thread);
        Assert.Equal("unknown", Text("evt.category", none));
        Assert.False(TryGet("evt.buflen", none, out _, out _));
    }

    [Fact]
    public void Arg_renders_resolved_values_and_rawarg_keeps_numbers()
    {
        EventContext c = OpenatContext();
        Assert.Equal("O_RDONLY|O_CLOEXEC", Text("evt.arg.flags", c));
        Assert.Equal("<f>/etc/passwd", Text("evt.arg.fd", c));
        Assert.Equal("AT_FDCWD", Text("evt.arg.dirfd", c));
        Assert.Equal("/etc/passwd", Text("evt.arg.name", c));
        Assert.Equal("<f>/etc/passwd", Text("evt.arg[0]", c));
        Assert.True(TryGet("evt.rawarg.flags", c, out FieldValue flags, out FieldExtractor e));
        Assert.Equal(4097, flags.Int);
        Assert.Equal(ParamType.Flags32, e.Type);
        Assert.Equal("1001", FieldValueFormatter.ToText(e, flags)); // flags print in hex as their table says
        Assert.True(TryGet("evt.rawarg.fd", c, out FieldValue fd, out _));
        Assert.Equal(3, fd.Int);
        Assert.False(TryGet("evt.arg.uid", c, out _, out _)); // openat has no uid parameter
    }

    [Fact]
    public void Args_prints_every_parameter()
    {
        EventContext c = OpenatContext();
        Assert.Equal("fd=3(<f>/etc/passwd) dirfd=-100(AT_FDCWD) name=/etc/passwd flags=4097(O_RDONLY|O_CLOEXEC) mode=0 dev=0 ino=0",
            Text("evt.args", c));
        Assert.Equal(Text("evt.args", c), Text("evt.info", c));
    }

    [Fact]
    public void Relative_paths_are_resolved_against_the_cwd()
    {
        ThreadInfo thread = TestContexts.Thread(cwd: "/home/user/");
        ScapEvent evt = EventBuilder.OpenatExit(Ts, thread.Tid, 5, "../other/./file.txt");
        EventContext c = TestContexts.For(evt, thread);
        Assert.Contains("name=../other/./file.txt(/home/other/file.txt)", Text("evt.args", c), StringComparison.Ordinal);
    }

    [Fact]
    public void Connect_renders_the_tuple_and_the_socket_fd()
    {
        ThreadInfo thread = TestContexts.Thread();
        FdInfo socket = TestContexts.TcpFd(3, "10.0.0.5:54321->93.184.216.34:80");
        thread.Fds.Set(socket);
        ScapEvent evt = EventBuilder.ConnectExitV4(Ts, thread.Tid, 3, "10.0.0.5", 54321, "93.184.216.34", 80, res: -115);
        EventContext c = TestContexts.For(evt, thread, socket);
        Assert.Equal("EINPROGRESS", Text("evt.res", c));
        Assert.Equal("10.0.0.5:54321->93.184.216.34:80", Text("evt.arg.tuple", c));
        Assert.Equal("<4t>10.0.0.5:54321->93.184.216.34:80", Text("evt.arg.fd", c));
        Assert.StartsWith("res=-115(EINPROGRESS) tuple=10.0.0.5:54321->93.184.216.34:80 fd=3(<4t>", Text("evt.args", c), StringComparison.Ordinal);
        Assert.Equal("net", Text("evt.category", c));
        Assert.Equal("1", Text("evt.count.error.net", c));
    }

    [Fact]
    public void Uid_arguments_resolve_to_user_names()
    {
        SystemState state = TestContexts.StateWithUsers();
        ThreadInfo thread = TestContexts.Thread();
        ScapEvent evt = EventBuilder.Create(199, Ts, thread.Tid).Errno(0).UInt32(65534).Build(); // setuid exit
        EventContext c = TestContexts.For(evt, thread, state: state);
        Assert.Equal("nobody", Text("evt.arg.uid", c));
        Assert.Equal("res=0 uid=65534(nobody)", Text("evt.args", c));
        ScapEvent unknown = EventBuilder.Create(199, Ts, thread.Tid).Errno(0).UInt32(4242).Build();
        Assert.Equal("<NA>", Text("evt.arg.uid", TestContexts.For(unknown, thread, state: state)));
    }

    [Fact]
    public void Unknown_event_argument_is_rejected_when_bound()
    {
        var error = Assert.Throws<OutputFormatException>(() => OutputFormat.Parse("%evt.arg.no_such_param", FieldRegistry.Default));
        Assert.Contains("unknown event argument no_such_param", error.Message, StringComparison.Ordinal);
        Assert.Throws<OutputFormatException>(() => OutputFormat.Parse("%evt.type.is.nosuchevent", FieldRegistry.Default));
    }

    [Fact]
    public void Deltatime_is_measured_between_extracted_events()
    {
        Assert.True(FieldRegistry.Default.TryGet("evt.deltatime", out FieldDescriptor? field));
        FieldExtractor extractor = field.CreateExtractor();
        FieldValue v = default;
        Assert.True(extractor.TryExtract(TestContexts.For(EventBuilder.CloseExit(1_000, 1, 3)), ref v));
        Assert.Equal(0, v.Int);
        Assert.True(extractor.TryExtract(TestContexts.For(EventBuilder.CloseExit(1_750, 1, 3)), ref v));
        Assert.Equal(750, v.Int);
    }
}
