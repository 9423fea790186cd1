using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Falconet.Core.Events;
using Falconet.Fields;
using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;
using Falconet.Scap;
using Falconet.State;
using Falconet.TestKit;

namespace Falconet.Rules.Tests.Syscalls;

/// <summary>
/// Syscall names: the PPM_SC table, <c>evt.type</c>/<c>syscall.type</c> of generic events (checked against what
/// sysdig 0.29.3 prints for the shared 2018 captures), conditions and rule indexing on syscall-only names.
/// </summary>
public sealed class SyscallNameTests
{
    [Theory]
    [InlineData(2, "exit")]
    [InlineData(19, "alarm")]
    [InlineData(75, "mprotect")]
    [InlineData(164, "exit_group")]
    [InlineData(176, "clock_gettime")]
    [InlineData(236, "prlimit")]
    [InlineData(292, "llseek")]
    [InlineData(296, "arch_prctl")]
    [InlineData(305, "setuid")]
    [InlineData(442, "mseal")]
    public void CodesNameTheirSyscall(int code, string name)
    {
        Assert.True(SyscallTable.TryGetName(code, out string actual));
        Assert.Equal(name, actual);
        Assert.Contains((ushort)code, SyscallTable.CodesByName(name).ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(382)]
    [InlineData(396)] // sched_process_exit: a tracepoint, not a syscall
    [InlineData(443)]
    [InlineData(65535)]
    public void CodesThatNameNoSyscallAreUnknown(int code)
    {
        Assert.False(SyscallTable.TryGetName(code, out _));
        Assert.Equal("<unknown>", SyscallTable.GetName(code));
    }

    [Fact]
    public void WidthVariantsShareTheirName()
    {
        Assert.Equal([133, 305], SyscallTable.CodesByName("setuid").ToArray().Select(c => (int)c));
        Assert.False(SyscallTable.IsSyscallName("setuid32"));
        Assert.False(SyscallTable.IsSyscallName("sched_switch"));
    }

    [Fact]
    public void EventTypeUniverseIsFalcosNeverTrueEventList()
    {
        SharedData.SkipIfAbsent();
        using JsonDocument describe = JsonDocument.Parse(File.ReadAllText(SharedData.Expected("describe", "falco_rules.describe.json")));
        JsonElement neverTrue = describe.RootElement.GetProperty("macros").EnumerateArray()
            .Single(m => m.GetProperty("info").GetProperty("name").GetString() == "never_true");
        string[] expected = [.. neverTrue.GetProperty("details").GetProperty("events").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal)];
        Assert.Equal(465, expected.Length);
        Assert.Equal(expected, EventTypeNames.All.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(75, "mprotect")]
    [InlineData(296, "arch_prctl")]
    [InlineData(0, "<unknown>")]
    public void GenericEventsReportTheirSyscallName(int code, string name)
    {
        foreach (ushort type in new ushort[] { SyscallTable.GenericEnterType, SyscallTable.GenericExitType })
        {
            var evt = new ScapEvent();
            evt.Reset(type, 1, 100);
            evt.AppendParam(BitConverter.GetBytes((ushort)code));
            if (type == SyscallTable.GenericEnterType)
            {
                evt.AppendParam(BitConverter.GetBytes((ushort)10));
            }
            EventContext context = ContextFor(evt);
            Assert.Equal(name, Extract("evt.type", context));
            Assert.Equal(name, Extract("syscall.type", context));
        }
    }

    /// <summary>Per capture, how many generic events sysdig 0.29.3 names each way (the oracle, recorded).</summary>
    public static TheoryData<string, string> RecordedGenericNames => new()
    {
        { "cat_write", "<unknown>:2 arch_prctl:2 exit_group:1 mprotect:8" },
        { "curl_google", "arch_prctl:2 clock_gettime:188 exit:1 exit_group:1 getrusage:2 gettimeofday:2 madvise:2 mprotect:156 rt_sigaction:6 rt_sigprocmask:2 set_robust_list:4 set_tid_address:2" },
        { "open-multiple-files", "exit_group:1 rt_sigaction:2" },
        { "syscall", "madvise:4" },
        { "test_ipv6_client", "arch_prctl:2 exit_group:1 mprotect:8" },
        { "connect_localhost", "" },
    };

    [Theory]
    [MemberData(nameof(RecordedGenericNames))]
    public void SharedCapturesGenericEventsAreNamedAsSysdigNamesThem(string capture, string expectedCounts)
    {
        SharedData.SkipIfAbsent();
        Dictionary<ulong, string> names = GenericEventNames(SharedData.Capture(capture));
        string counts = string.Join(' ', names.Values.GroupBy(n => n).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}"));
        Assert.Equal(expectedCounts, counts);

        // With sysdig installed, compare every generic event by number too.
        Dictionary<ulong, string>? sysdig = SysdigTypes(SharedData.Capture(capture));
        if (sysdig is null)
        {
            return;
        }
        foreach ((ulong number, string name) in names)
        {
            Assert.Equal(sysdig[number], name);
        }
    }

    [Fact]
    public void ConditionsAcceptEverySyscallNameAndRejectOthers()
    {
        var compiler = new ConditionCompiler(FieldRegistry.Default);
        compiler.Compile("evt.type = alarm");
        compiler.Compile("evt.type in (open, uretprobe, rseq)");
        ConditionCompileError error = Assert.Throws<ConditionCompileError>(() => compiler.Compile("evt.type = alarmm"));
        Assert.Equal(ConditionCompileErrorKind.UnknownEventType, error.Kind);
        Assert.Equal("alarmm", error.Subject);
    }

    [Fact]
    public void CompiledConditionOnASyscallNameMatchesItsGenericEvent()
    {
        CompiledCondition condition = new ConditionCompiler(FieldRegistry.Default).Compile("evt.type = alarm");
        var evt = new ScapEvent();
        evt.Reset(SyscallTable.GenericExitType, 1, 100);
        evt.AppendParam(BitConverter.GetBytes((ushort)19));
        Assert.True(condition.Evaluate(ContextFor(evt)));
        evt.Reset(SyscallTable.GenericExitType, 1, 100);
        evt.AppendParam(BitConverter.GetBytes((ushort)75));
        Assert.False(condition.Evaluate(ContextFor(evt)));
    }

    [Fact]
    public void RulesOnSyscallOnlyNamesAreIndexedOnGenericEvents()
    {
        const string Yaml = """
            - rule: alarm
              desc: d
              condition: evt.type = alarm
              output: o
              priority: INFO
            - rule: open or alarm
              desc: d
              condition: evt.type in (open, alarm)
              output: o
              priority: INFO
            - rule: open only
              desc: d
              condition: evt.type = open
              output: o
              priority: INFO
            """;
        LoadResult result = RulesLoader.LoadText("x.yaml", Yaml, Loading.TestFields.Registry);
        Assert.True(result.Success, result.ToText());
        ushort[] asyncEvent = EventTable.IdsByName("asyncevent").ToArray();
        ushort[] open = EventTable.IdsByName("open").ToArray();
        ushort[] generic = [SyscallTable.GenericEnterType, SyscallTable.GenericExitType];

        CompiledRule alarm = result.RuleSet.FindRule("alarm")!;
        Assert.Equal(generic.Concat(asyncEvent).Order(), alarm.EventTypes);
        Assert.Equal(["alarm", "asyncevent"], alarm.EventTypeNames.Enumerate());

        Assert.Equal(generic.Concat(asyncEvent).Concat(open).Order(), result.RuleSet.FindRule("open or alarm")!.EventTypes);
        Assert.DoesNotContain(SyscallTable.GenericExitType, result.RuleSet.FindRule("open only")!.EventTypes);
    }

    private static Dictionary<ulong, string> GenericEventNames(string path)
    {
        var names = new Dictionary<ulong, string>();
        using ScapReader reader = ScapReader.Open(path);
        reader.ReadHeader(new SystemState());
        var evt = new ScapEvent();
        ulong number = 0;
        while (reader.TryReadEvent(evt))
        {
            number++;
            if (evt.Type is SyscallTable.GenericEnterType or SyscallTable.GenericExitType)
            {
                names[number] = Extract("evt.type", ContextFor(evt))!;
            }
        }
        return names;
    }

    private static Dictionary<ulong, string>? SysdigTypes(string path)
    {
        ProcessStartInfo start = new("sysdig", ["-r", path, "-p", "%evt.num %evt.type"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using Process process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var types = new Dictionary<ulong, string>();
            foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = line.Split(' ', 2);
                if (parts.Length == 2 && ulong.TryParse(parts[0], out ulong number))
                {
                    types[number] = parts[1];
                }
            }
            return types;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string? Extract(string field, EventContext context)
    {
        Assert.True(FieldRegistry.Default.TryResolve(field, out FieldDescriptor? descriptor, out _));
        FieldExtractor extractor = descriptor.CreateExtractor();
        FieldValue value = default;
        return extractor.TryExtract(context, ref value) ? value.String : null;
    }

    /// <summary>A context around a synthetic event; its setters are internal to Falconet.State (test-only reflection).</summary>
    private static EventContext ContextFor(ScapEvent evt)
    {
        var context = new EventContext(new SystemState());
        typeof(EventContext).GetProperty(nameof(EventContext.Event))!.GetSetMethod(nonPublic: true)!.Invoke(context, [evt]);
        return context;
    }
}
