using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Falconet.Core.Events;
using Falconet.Dns;
using Falconet.Fields;
using Falconet.Fields.ArgumentRendering;
using Falconet.Fields.OutputFormats;
using Falconet.Host.Configuration;
using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.Fuzz;

/// <summary>
/// The fuzz targets: everything in Falconet that parses input from outside. Each documents the exceptions its
/// parser may throw for bad input; anything else escaping, or a broken invariant, is a finding.
/// </summary>
public static partial class FuzzTargets
{
    /// <summary>Events a capture or record input may drive through state, so one input stays quick.</summary>
    private const int MaxEventsPerInput = 4000;

    private static readonly Lazy<EventContext> s_context = new(BuildContext);

    /// <summary>Every target, by name.</summary>
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        Condition(), RulesFile(), Capture(), OutputFormatTarget(), DnsAnswer(), Config(), LiveRecord(),
    ];

    /// <summary>The target called <paramref name="name"/>.</summary>
    public static FuzzTarget Get(string name) =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"no fuzz target '{name}' (targets: {string.Join(", ", All.Select(t => t.Name))})");

    private static FuzzTarget Condition() => new("condition",
        () => [.. FuzzInputs.RuleValues("condition").Distinct(StringComparer.Ordinal).Select(Encoding.UTF8.GetBytes)],
        Mutator.Tokens(" and ", " or ", " not ", "(", ")", " in ", " intersects ", " pmatch ", " exists", " = ", " != ", " <= ",
            " contains ", " icontains ", " startswith ", " endswith ", " glob ", " regex ", "\"", "'", "\\", "\\x", ",", "[", "]",
            "proc.name", "fd.name", "evt.type", "evt.arg.flags", "proc.aname[2]", "fd.sip.name", "val(", "tolower(", "len(",
            "1.2.3.4/24", "::1", "-1", "9999999999999999999999", " > 0", "evt.rawarg.res"),
        maxLength: 16 * 1024,
        input =>
        {
            string text = Encoding.UTF8.GetString(input);
            if (!ConditionParser.TryParse(text, out ConditionNode? node, out ConditionSyntaxError? syntax, ConditionParser.FalcoRulesMaxDepth))
            {
                Check(syntax!.Position.Line >= 1 && syntax.Position.Column >= 0, "syntax error position out of range");
                return "syntax: " + Shape(syntax.Message);
            }
            // The printed form is Falco's display form (describe's condition_compiled), which need not parse again
            // (Falco prints list items such as "(systemd)" bare); printing must not fail.
            string printed = ConditionPrinter.Print(node!);
            CompiledCondition compiled;
            try
            {
                compiled = new ConditionCompiler().Compile(node!);
            }
            catch (ConditionCompileError e)
            {
                return "compile: " + e.Kind + " " + Shape(e.Message);
            }
            // The compiled evaluator and the interpreter (the oracle) agree on a real event.
            EventContext context = s_context.Value;
            bool evaluated = compiled.Evaluate(context);
            Check(evaluated == compiled.Interpret(context), $"evaluator and interpreter disagree on '{printed}'");
            return "compiled " + evaluated;
        });

    private static FuzzTarget RulesFile() => new("rules",
        FuzzInputs.RulesFilePieces,
        Mutator.Tokens("- rule: ", "- macro: ", "- list: ", "- required_engine_version: ", "  condition: ", "  output: ", "  priority: ",
            "  desc: ", "  items: ", "  exceptions:\n", "  override:\n    condition: append\n", "  append: true\n", "  enabled: false\n",
            "  source: syscall\n", "  tags: [", "&a ", "*a", "<<: ", "!!binary ", "{", "}", "[", "]", "\n", "\t", "  ", ": ", "'", "\"",
            "|\n", ">-\n", "---\n", "...\n", "%YAML 1.2\n", "\u00e9", "\xff"),
        maxLength: 32 * 1024,
        input =>
        {
            LoadResult result = RulesLoader.LoadText("fuzz.yaml", Encoding.UTF8.GetString(input));
            // Render every diagnostic as Falco prints it: the positions must fit the text.
            _ = result.ToText();
            _ = result.ToJson();
            LoadDiagnostic? first = result.Diagnostics.FirstOrDefault(d => d.IsError);
            return first is null ? (result.Success ? "ok" : "failed without error") : "error " + first.ErrorCode;
        });

    private static FuzzTarget Capture() => new("capture",
        () =>
        {
            var seeds = new List<byte[]>();
            foreach (string file in FuzzInputs.CaptureFiles())
            {
                byte[] plain = FuzzInputs.Gunzip(File.ReadAllBytes(file));
                seeds.Add(plain);
                seeds.Add(FuzzInputs.Gzip(plain));
            }
            return seeds;
        },
        [[0x4D, 0x3C, 0x2B, 0x1A], [0x16, 0x02, 0, 0], [0x17, 0x02, 0, 0], [0x04, 0x02, 0, 0], [0x1F, 0x8B], [0xFF, 0xFF, 0xFF, 0x7F], [0, 0, 0, 0x80]],
        maxLength: 256 * 1024,
        input =>
        {
            var state = new SystemState();
            var renderer = new ArgumentRenderer();
            using var reader = new ScapReader(new MemoryStream(input, writable: false), "fuzz.scap");
            int events = 0;
            try
            {
                reader.ReadHeader(state);
                var evt = new ScapEvent();
                while (events < MaxEventsPerInput && reader.TryReadEvent(evt))
                {
                    events++;
                    Check(reader.Position <= (reader.IsCompressed ? long.MaxValue : input.Length), "position past the end of the input");
                    if (state.Process(evt))
                    {
                        _ = renderer.RenderAll(state.Context);
                    }
                }
                return "ok" + (events == 0 ? " empty" : "");
            }
            catch (ScapFormatException e)
            {
                Check(e.Offset >= 0, "negative error offset");
                return "format: " + e.BlockName + " " + Shape(e.Message);
            }
        });

    private static FuzzTarget OutputFormatTarget() => new("output",
        () => [.. FuzzInputs.RuleValues("output").Distinct(StringComparer.Ordinal).Select(Encoding.UTF8.GetBytes)],
        Mutator.Tokens("%", "%proc.name", "%evt.arg.fd", "%proc.aname[3]", "%fd.name", "%(", ")", "%%", "[", "]", "%evt.time.iso8601",
            "%container.info", "%evt.args", " ", "\\", "%jevt.value[/a]", "%val(", "%tolower("),
        maxLength: 8 * 1024,
        input =>
        {
            string text = Encoding.UTF8.GetString(input);
            if (!OutputFormat.TryParse(text, FieldRegistry.Default, out OutputFormat? format, out OutputFormatException? error))
            {
                return "error: " + Shape(error!.Message);
            }
            EventContext context = s_context.Value;
            _ = format!.RenderText(context);
            using var json = new System.Text.Json.Utf8JsonWriter(Stream.Null);
            format.WriteFields(json, context);
            return "rendered";
        });

    private static FuzzTarget DnsAnswer() => new("dns",
        () => [.. FuzzInputs.DnsFiles().Select(File.ReadAllBytes)],
        [[0xC0, 0x0C], [0xC0, 0x00], [0xC0, 0xFF], [0x3F], [0x40], [0x00, 0x01, 0x00, 0x01], [0x00, 0x05, 0x00, 0x01], [0x00, 0x1C, 0x00, 0x01], [0xFF, 0xFF]],
        maxLength: 4096,
        input =>
        {
            var response = new DnsResponse();
            DnsParseStatus status = response.Parse(input);
            Check(Enum.IsDefined(status), "undefined status");
            for (int a = 0; a < response.AddressCount; a++)
            {
                Check(response.GetAddress(a).Owner >= 0, "address record without an owner name");
            }
            var store = new DnsObservationStore(new DnsStoreOptions { MaxEntries = 16 });
            store.ObserveResponse(DnsObservationStore.HostScope, input, 1);
            Check(store.Entries <= 16, "store past its bound");
            // The same bytes as a TCP stream, cut at every third byte.
            var reassembler = new DnsTcpReassembler();
            int messages = 0;
            for (int at = 0; at < input.Length; at += 3)
            {
                messages += reassembler.Append(input.AsSpan(at, Math.Min(3, input.Length - at)), 0, static (_, _) => { });
            }
            return status.ToString() + (messages > 0 ? " tcp" : "");
        });

    private static FuzzTarget Config() => new("config",
        () => [.. FuzzInputs.ConfigFiles().Select(File.ReadAllBytes),
            .. new[] { "json_output: true\npriority: warning\n", "dns:\n  mode: both\n  servers: [\"127.0.0.1:53\"]\n", "rules_files: [a, b]\n" }.Select(Encoding.UTF8.GetBytes)],
        Mutator.Tokens(": ", "\n", "  ", "- ", "&a ", "*a", "<<: *a", "[", "]", "{", "}", "${HOME}", "$", "~", "null", "true", "0x10",
            "1e400", "-1", "9223372036854775808", "priority: ", "rule_matching: ", "outputs_queue:\n  capacity: ", "dns:\n  mode: ",
            "engine:\n  kind: ", "rules_file: x\n", "'", "\"", "\\", "%TAG ! tag:x:\n", "!!map ", "? "),
        maxLength: 32 * 1024,
        input =>
        {
            string text = Encoding.UTF8.GetString(input);
            try
            {
                ConfigTree tree = ConfigTree.Parse(text, "fuzz.yaml");
                _ = new FalconetOptions(tree);
                // The same text as one -o override, as the command line passes it.
                ConfigTree.Empty().ApplyOverride("fuzz=" + text);
                return "ok";
            }
            catch (ConfigException e)
            {
                return "config: " + Shape(e.Message);
            }
        });

    private static FuzzTarget LiveRecord() => new("record",
        () =>
        {
            var seeds = new List<byte[]>();
            foreach (string file in FuzzInputs.CaptureFiles())
            {
                List<byte[]> records = FuzzInputs.EventRecords(File.ReadAllBytes(file));
                for (int at = 0; at < records.Count; at += 24)
                {
                    seeds.Add(FuzzInputs.FrameRecords(records.Skip(at).Take(24)));
                }
            }
            return seeds;
        },
        [[0xFF, 0xFF], [0, 0], [0x1A, 0], [0xFF, 0xFF, 0xFF, 0xFF], [0x20, 0, 0, 0], [0x7F, 0, 0, 0]],
        maxLength: 64 * 1024,
        input =>
        {
            // The ring-buffer callback's work on each record: decode, skip unknown types, then state and rendering.
            var state = new SystemState();
            var renderer = new ArgumentRenderer();
            var evt = new ScapEvent();
            int decoded = 0;
            int rejected = 0;
            ReadOnlySpan<byte> rest = input;
            for (int n = 0; rest.Length >= 2 && n < MaxEventsPerInput; n++)
            {
                int length = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(rest), rest.Length - 2);
                ReadOnlySpan<byte> record = rest.Slice(2, length);
                rest = rest[(2 + length)..];
                if (evt.Decode(record, v1Header: false) is not null || !EventTable.IsKnown(evt.Type))
                {
                    rejected++;
                    continue;
                }
                decoded++;
                evt.Number = (ulong)decoded;
                for (int i = 0; i < evt.ParamCount; i++)
                {
                    Check(evt.GetParam(i).Length <= record.Length, "parameter longer than its record");
                }
                if (state.Process(evt))
                {
                    _ = renderer.RenderAll(state.Context);
                }
            }
            return (decoded > 0 ? "decoded" : "none") + (rejected > 0 ? " rejected" : "");
        });

    /// <summary>A finding: the parser broke an invariant.</summary>
    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(what);
        }
    }

    /// <summary>An error message with its variable parts (quoted text, numbers) taken out, so classes stay few.</summary>
    private static string Shape(string message)
    {
        // The first words only: messages name the offending text, which would make every mutant a class of its own.
        string shaped = Variable().Replace(message, "_");
        int cut = shaped.IndexOfAny([':', '%', '(', '[']);
        shaped = cut > 0 ? shaped[..cut] : shaped;
        return shaped.Length > 40 ? shaped[..40] : shaped;
    }

    [GeneratedRegex("'[^']*'|\"[^\"]*\"|0x[0-9a-fA-F]+|[0-9]+")]
    private static partial Regex Variable();

    /// <summary>The state after the curl capture, for evaluating conditions and rendering outputs against a real event.</summary>
    private static EventContext BuildContext()
    {
        var state = new SystemState();
        string capture = Path.Combine(FuzzInputs.SharedRoot, "captures", "curl_google.scap");
        if (File.Exists(capture))
        {
            using ScapReader reader = ScapReader.Open(capture);
            reader.ReadHeader(state);
            var evt = new ScapEvent();
            while (reader.TryReadEvent(evt))
            {
                state.Process(evt);
            }
        }
        return state.Context;
    }
}
