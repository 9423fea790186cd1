using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Falconet.Cli.Tests;
using Falconet.Core.Events;
using Falconet.Dns;
using Falconet.Fields.ArgumentRendering;
using Falconet.Rules.Conditions;
using Falconet.Scap.Tests;
using Falconet.State;
using Falconet.TestKit;
using static Falconet.Scap.Tests.RawCaptureBuilder;

namespace Falconet.Fuzz.Tests;

/// <summary>
/// The hostile-input corpus for captures, live records and DNS answers: every entry's documented outcome (the error
/// and its byte offset, or the warning), and that the events before the fault were processed, in process and
/// through the command (alerts of the good events on stdout, one error line, exit 1, no stack trace).
/// </summary>
public sealed class HostileCaptureTests
{
    private const ulong Ts = 1_700_000_000_000_000_000;
    private const ushort OpenatExit = 307;

    /// <summary>Section header, machine info and two openat exits (fd 3 /etc/a, fd 4 /etc/b) of thread 100.</summary>
    private static RawCaptureBuilder TwoGoodEvents()
    {
        var b = new RawCaptureBuilder().SectionHeader().MachineInfo();
        b.Event(OpenatExit, Ts + 1, 100, [I64(3), I64(-100), Str("/etc/a"), U32(1), U32(0), U32(0)]);
        b.Event(OpenatExit, Ts + 2, 100, [I64(4), I64(-100), Str("/etc/b"), U32(1), U32(0), U32(0)]);
        return b;
    }

    /// <summary>Replays through state and one rule (<c>evt.type = openat</c>): the fd names it matched, and the error.</summary>
    private static (List<string> Matched, ScapFormatException? Error) Replay(byte[] capture)
    {
        var state = new SystemState();
        CompiledCondition rule = new ConditionCompiler().Compile("evt.type = openat");
        var matched = new List<string>();
        using var reader = new ScapReader(new MemoryStream(capture), "hostile.scap");
        try
        {
            reader.ReadHeader(state);
            var evt = new ScapEvent();
            while (reader.TryReadEvent(evt))
            {
                if (state.Process(evt) && rule.Evaluate(state.Context))
                {
                    matched.Add(state.Context.Fd?.Name ?? "");
                }
            }
            return (matched, null);
        }
        catch (ScapFormatException e)
        {
            return (matched, e);
        }
    }

    public static TheoryData<string, uint?> BadBlockLengths() => new()
    {
        { "0", 0u },
        { "3", 3u },
        { "2^31", 0x8000_0000u },
        { "past the end", null },
    };

    [Theory]
    [MemberData(nameof(BadBlockLengths))]
    public void A_bad_block_length_is_an_error_at_its_block_after_the_good_events(string name, uint? length)
    {
        RawCaptureBuilder b = TwoGoodEvents();
        long bad = b.Length;
        b.Event(OpenatExit, Ts + 3, 100, [I64(5), I64(-100), Str("/etc/c"), U32(1), U32(0), U32(0)]);
        byte[] bytes = b.ToArray();
        uint written = length ?? (uint)(bytes.Length - bad + 64);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)bad + 4), written);

        (List<string> matched, ScapFormatException? error) = Replay(bytes);

        Assert.Equal(["/etc/a", "/etc/b"], matched);
        Assert.True(error is not null, name);
        Assert.Equal(bad, error.Offset);
        Assert.Contains(length is null ? $"truncated capture at byte offset {bad}" : $"corrupt block length 0x{written:x} at byte offset {bad}",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_parameters_than_the_table_is_an_error_after_the_good_events()
    {
        RawCaptureBuilder b = TwoGoodEvents();
        long bad = b.Length;
        b.Event(OpenatExit, Ts + 3, 100, [I64(5), I64(-100), Str("/etc/c"), U32(1), U32(0), U32(0)], nparamsOverride: 1000);
        (List<string> matched, ScapFormatException? error) = Replay(b.ToArray());

        Assert.Equal(["/etc/a", "/etc/b"], matched);
        Assert.NotNull(error);
        Assert.Equal(bad, error.Offset);
        Assert.Contains("malformed event: openat (type 307) has 1000 parameters, more than the 7 of its layout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_length_running_into_the_next_event_is_an_error_after_the_good_events()
    {
        RawCaptureBuilder b = TwoGoodEvents();
        long bad = b.Length;
        b.Event(OpenatExit, Ts + 3, 100, [I64(5), I64(-100), Str("/etc/c"), U32(1), U32(0), U32(0)]);
        b.Event(OpenatExit, Ts + 4, 100, [I64(6), I64(-100), Str("/etc/d"), U32(1), U32(0), U32(0)]);
        byte[] bytes = b.ToArray();
        // The third parameter's length (after block header 8, cpu 2, event header 26, two lengths) claims 200 bytes.
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan((int)bad + 8 + 2 + 26 + 4), 200);

        (List<string> matched, ScapFormatException? error) = Replay(bytes);

        Assert.Equal(["/etc/a", "/etc/b"], matched);
        Assert.NotNull(error);
        Assert.Equal(bad, error.Offset);
        Assert.Contains("malformed event", error.Message, StringComparison.Ordinal);
        Assert.Contains("parameter 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_UTF8_in_capture_strings_is_processed_and_rendered_with_replacement_characters()
    {
        RawCaptureBuilder b = TwoGoodEvents();
        b.Event(OpenatExit, Ts + 3, 100, [I64(5), I64(-100), [(byte)'/', 0xFF, 0xFE, (byte)'x', 0xC3, 0], U32(1), U32(0), U32(0)]);
        b.Event(OpenatExit, Ts + 4, 100, [I64(6), I64(-100), Str("/etc/d"), U32(1), U32(0), U32(0)]);
        (List<string> matched, ScapFormatException? error) = Replay(b.ToArray());

        Assert.Null(error);
        Assert.Equal(["/etc/a", "/etc/b", "/\uFFFD\uFFFDx\uFFFD", "/etc/d"], matched);
    }

    [Fact]
    public void A_dynamic_parameter_with_its_selector_and_no_value_renders_as_NULL()
    {
        // Found by fuzzing the live record decoder (30-minute run): setsockopt's val was one byte, the type selector,
        // and rendering read the value past its end (IndexOutOfRangeException) instead of showing an empty value.
        const ushort SetsockoptExit = 45;
        var b = new RawCaptureBuilder().SectionHeader().MachineInfo();
        b.Event(SetsockoptExit, Ts + 1, 100, [I64(0), I64(3), [1], [2], [3], U32(8)]);
        b.Event(SetsockoptExit, Ts + 2, 100, [I64(0), I64(3), [1], [2], [3, 7, 0, 0, 0, 0, 0, 0, 0], U32(8)]);
        var state = new SystemState();
        var renderer = new ArgumentRenderer();
        var rendered = new List<string>();
        using var reader = new ScapReader(new MemoryStream(b.ToArray()), "hostile.scap");
        reader.ReadHeader(state);
        var evt = new ScapEvent();
        while (reader.TryReadEvent(evt))
        {
            if (state.Process(evt))
            {
                rendered.Add(renderer.RenderAll(state.Context));
            }
        }

        Assert.Equal(2, rendered.Count);
        Assert.Contains("val=NULL", rendered[0], StringComparison.Ordinal);
        Assert.Contains("val=7", rendered[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_UTF8_in_container_metadata_is_a_container_warning_not_a_crash()
    {
        // Found by fuzzing the live record decoder: System.Text.Json threw InvalidOperationException on the string.
        byte[] json = [.. Encoding.UTF8.GetBytes("{\"container\":{\"id\":\"abc\",\"name\":\""), 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\"}}")];
        Assert.Throws<Falconet.State.Containers.ContainerMetadataException>(() => Falconet.State.Containers.ContainerJson.Parse(json));
    }

    [Fact]
    public void A_live_record_shorter_than_its_header_or_longer_than_its_buffer_is_rejected()
    {
        var evt = new ScapEvent();
        Assert.Equal("event shorter than its 26-byte header", evt.Decode(new byte[25], v1Header: false));
        byte[] record = EncodeEvent(OpenatExit, Ts, 100, [I64(3), I64(-100), Str("/etc/a"), U32(1), U32(0), U32(0)], v1Header: false);
        Assert.Null(evt.Decode(record, v1Header: false));
        Assert.NotNull(evt.Decode(record.AsSpan(0, record.Length - 1), v1Header: false));
    }

    [Fact]
    public void A_DNS_answer_with_a_compression_pointer_loop_is_rejected_and_later_answers_still_count()
    {
        // Header (id, flags: response, 1 question, 1 answer), question name = pointer to itself at offset 12.
        byte[] loop = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1, 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 198, 51, 100, 7];
        var response = new DnsResponse();
        Assert.Equal(DnsParseStatus.PointerLoop, response.Parse(loop));
        var store = new DnsObservationStore(new DnsStoreOptions { MaxEntries = 16 });
        Assert.Equal(DnsParseStatus.PointerLoop, store.ObserveResponse(DnsObservationStore.HostScope, loop, 1));
        Assert.Equal(0, store.Entries);

        // The same answer with a real name is recorded afterwards.
        byte[] good = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, (byte)'a', 7, .. "example"u8, 0, 0, 1, 0, 1, 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 198, 51, 100, 7];
        Assert.Equal(DnsParseStatus.Ok, store.ObserveResponse(DnsObservationStore.HostScope, good, 2));
        Assert.Equal(1, store.Entries);
    }

    private static string WriteRules(TempDirectory dir)
    {
        string rules = dir.File("rules.yaml");
        File.WriteAllText(rules, "- rule: opened\n  desc: d\n  condition: evt.type = openat\n  output: opened %fd.name\n  priority: WARNING\n");
        return rules;
    }

    [Theory]
    [MemberData(nameof(BadBlockLengths))]
    public void The_command_prints_the_good_events_alerts_then_one_error_line(string name, uint? length)
    {
        using var dir = new TempDirectory();
        RawCaptureBuilder b = TwoGoodEvents();
        long bad = b.Length;
        b.Event(OpenatExit, Ts + 3, 100, [I64(5), I64(-100), Str("/etc/c"), U32(1), U32(0), U32(0)]);
        byte[] bytes = b.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)bad + 4), length ?? (uint)(bytes.Length - bad + 64));
        string capture = dir.File("bad.scap");
        File.WriteAllBytes(capture, bytes);

        ProcessResult run = FalconetProcess.Run("-r", WriteRules(dir), "-e", capture, "-o", "dns.mode=observed");

        Assert.True(run.ExitCode == 1, name + ": " + run);
        string[] alerts = run.StandardOutput.Split('\n').Where(l => l.Contains("opened /etc/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, alerts.Length);
        string error = Assert.Single(run.ErrorLines, l => l.StartsWith("falconet: ", StringComparison.Ordinal));
        Assert.Contains($"byte offset {bad}", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> UnusableFiles() => new()
    {
        { "-r", "/nonexistent/rules.yaml" },
        { "-e", "/nonexistent/capture.scap" },
        { "-c", "/nonexistent/falco.yaml" },
        // Unreadable even for root: reading /proc/self/mem at offset 0 fails with EIO.
        { "-e", "/proc/self/mem" },
        { "-c", "/proc/self/mem" },
    };

    [Theory]
    [MemberData(nameof(UnusableFiles))]
    public void A_missing_or_unreadable_file_is_one_line_and_exit_1(string flag, string path)
    {
        ProcessResult run = FalconetProcess.Run(flag, path, "-o", "dns.mode=observed");
        Assert.True(run.ExitCode == 1, run.ToString());
        string line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("falconet: ", line, StringComparison.Ordinal);
        Assert.Contains(path, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_rules_file_is_Falcos_LOAD_ERR_FILE_READ_result()
    {
        // Rules problems are reported as Falco reports a load result, with the code; still no stack trace.
        ProcessResult run = FalconetProcess.Run("-r", "/proc/self/mem", "-o", "dns.mode=observed");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("/proc/self/mem: Invalid", run.ErrorLines[0]);
        Assert.Contains("LOAD_ERR_FILE_READ (File read error): Could not read rules file /proc/self/mem: Input/output error", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
    }
}
