using System.Reflection;
using EventInfo = Falconet.Core.Events.EventInfo;
using System.Text.Json;
using System.Text.RegularExpressions;
using Falconet.Core.Events;
using Falconet.TestKit;

namespace Falconet.Core.Tests;

/// <summary>
/// The generated wire constants (C# and the probe's C header) against the libs event table they are
/// generated from, and the sources against a second definition of any of them.
/// </summary>
public sealed partial class WireConstantsTests
{
    private static readonly string s_header = Path.Combine(SharedData.RepositoryRoot, "native", "bpf", "falconet_wire.generated.h");

    [Fact]
    public void EventTableRowsMatchTheLibsTable()
    {
        using JsonDocument table = LoadEventTable();
        JsonElement events = table.RootElement.GetProperty("events");
        Assert.Equal(EventTable.EventMax, table.RootElement.GetProperty("event_max").GetInt32());
        Assert.Equal(events.GetArrayLength(), EventTable.All.Count);
        foreach (JsonElement e in events.EnumerateArray())
        {
            EventInfo info = EventTable.Get(e.GetProperty("id").GetInt32());
            Assert.Equal(e.GetProperty("enum").GetString(), info.EnumName);
            Assert.Equal(e.GetProperty("name").GetString(), info.Name);
            JsonElement[] parameters = [.. e.GetProperty("params").EnumerateArray()];
            Assert.Equal(e.GetProperty("nparams").GetInt32(), info.Parameters.Count);
            for (int i = 0; i < parameters.Length; i++)
            {
                Assert.Equal(parameters[i].GetProperty("name").GetString(), info.Parameters[i].Name);
                Assert.Equal(Canonical(parameters[i].GetProperty("type").GetString()![3..]), info.Parameters[i].Type.ToString().ToUpperInvariant());
                Assert.Equal(parameters[i].GetProperty("info").GetString(), info.Parameters[i].Info);
            }
        }
    }

    [Fact]
    public void ProbeEventIdsAndCountsInTheHeaderMatchTheLibsTable()
    {
        using JsonDocument table = LoadEventTable();
        var byEnum = table.RootElement.GetProperty("events").EnumerateArray()
            .ToDictionary(e => e.GetProperty("enum").GetString()!, e => (Id: e.GetProperty("id").GetInt32(), Params: e.GetProperty("nparams").GetInt32()));
        string header = File.ReadAllText(s_header);
        Dictionary<string, int> cIds = CEnum(header, "T_");
        Dictionary<string, int> cCounts = CEnum(header, "NP_");
        Assert.NotEmpty(cIds);
        foreach ((string shortName, int id) in cIds)
        {
            // T_OPENAT_2_X is PPME_SYSCALL_OPENAT_2_X, T_SOCKET_X is PPME_SOCKET_SOCKET_X, T_PROCEXIT_1_E is PPME_PROCEXIT_1_E
            string enumName = new[] { "PPME_SYSCALL_", "PPME_SOCKET_", "PPME_" }.Select(p => p + shortName).First(byEnum.ContainsKey);
            Assert.Equal(byEnum[enumName].Id, id);
            Assert.Equal(byEnum[enumName].Params, cCounts[shortName]);
            Assert.Equal(id, EventTable.IdOf(enumName));
        }
    }

    [Fact]
    public void OpenFlagsAndAtFdCwdAgreeBetweenCSharpAndC()
    {
        string header = File.ReadAllText(s_header);
        Dictionary<string, int> cFlags = CDefines(header, "PPM_O_");
        Dictionary<string, int> csFlags = Constants(typeof(PpmOpenFlags));
        Assert.Equal(cFlags.Count, csFlags.Count);
        foreach ((string name, int value) in cFlags)
        {
            Assert.Equal(value, csFlags[string.Concat(name.Split('_').Select(w => w[0] + w[1..].ToLowerInvariant()))]);
        }
        Assert.Equal(WireConstants.AtFdCwd, CDefines(header, "PPM_AT_")["FDCWD"]);
    }

    /// <summary>The committed generated files are what the generator writes today from the event table and the facts file.</summary>
    [Fact]
    public void GeneratedFilesAreFresh()
    {
        string table = SharedData.Data("event-table.json");
        if (!File.Exists(table))
        {
            Assert.False(Oracle.InCi, $"{table} is missing under CI");
            Assert.Skip(SharedData.AbsentReason);
        }
        Oracle.Require(File.Exists("/usr/bin/python3"), "python3 is not installed");
        var start = new System.Diagnostics.ProcessStartInfo("python3")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (string argument in (string[])[Path.Combine(SharedData.RepositoryRoot, "tools", "gen-event-table.py"), table, "--check"])
        {
            start.ArgumentList.Add(argument);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "gen-event-table.py --check did not finish");
        Assert.True(process.ExitCode == 0, "stale generated files; run tools/gen-event-table.py: " + errors);
    }

    /// <summary>The generated libs enums keep the values readers and the event table rely on.</summary>
    [Fact]
    public void GeneratedEnumsKeepTheLibsValues()
    {
        Assert.Equal(48, (int)ParamType.Pid32);
        Assert.Equal(1u << 10, (uint)EventCategory.Syscall);
        Assert.Equal(1u << 11, (uint)EventFlags.LargePayload);
        Assert.Equal(21, (int)Falconet.Core.Snapshot.ScapFdType.PidFd);
        Assert.Equal(3, Falconet.Core.Snapshot.ScapL4Protocol.Udp);
    }

    [Theory]
    [InlineData(0u, PpmOpenFlags.Rdonly)]
    [InlineData(0x1u | 0x40u | 0x200u, PpmOpenFlags.Wronly | PpmOpenFlags.Creat | PpmOpenFlags.Trunc)]
    [InlineData(0x2u | 0x80000u | 0x10000u, PpmOpenFlags.Rdwr | PpmOpenFlags.Cloexec | PpmOpenFlags.Directory)]
    [InlineData(0x800u | 0x400000u, PpmOpenFlags.Rdonly | PpmOpenFlags.Nonblock | PpmOpenFlags.Tmpfile)]
    public void ConvertsLinuxOpenFlags(uint linux, uint ppm) => Assert.Equal(ppm, PpmOpenFlags.FromLinux(linux));

    /// <summary>
    /// Outside the generated files no source defines a wire constant again: no AT_FDCWD literal, no
    /// PPM_O_* or Linux O_* value, no syscall-number or event-id table of the probe.
    /// </summary>
    [Fact]
    public void NoWireConstantIsDefinedTwice()
    {
        string root = SharedData.RepositoryRoot;
        var offenders = new List<string>();
        HashSet<string> probeSyscalls = [.. CEnum(File.ReadAllText(s_header), "NR_").Keys];
        IEnumerable<string> sources = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "native", "bpf"), "*.*", SearchOption.TopDirectoryOnly).Where(p => p.EndsWith(".h", StringComparison.Ordinal) || p.EndsWith(".c", StringComparison.Ordinal)))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}build{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !Path.GetFileName(p).Contains(".g.", StringComparison.Ordinal)
                && !Path.GetFileName(p).Contains(".generated.", StringComparison.Ordinal));
        foreach (string path in sources)
        {
            string[] lines = File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                // a table entry giving a probe syscall its number: ["openat"] = 257
                bool numbersSyscall = SyscallEntry().Matches(lines[i]).Any(m => probeSyscalls.Contains(m.Groups[1].Value));
                if (WireDefinition().IsMatch(lines[i]) || numbersSyscall)
                {
                    offenders.Add($"{Path.GetRelativePath(root, path)}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }
        Assert.True(offenders.Count == 0, "wire constants defined outside the generated files:\n" + string.Join('\n', offenders));
    }

    // A literal -100 assigned to anything, a PPM_O_/F_O_/PPM_AT_ define or NR_/T_/NP_ enum member with a
    // number, a const giving an open flag, AT_FDCWD or a 0x2xx block id its value, or a second declaration of
    // the generated libs enums (PT_, PF_, EC_, EF_, scap_fd_type) and SCAP_L4_ constants.
    [GeneratedRegex(@"=\s*-100\b|#define\s+(PPM_O_|F_O_|PPM_AT_)\w+\s+\(?-?\d|\b(NR|T|NP)_\w+\s*=\s*\d|const\s+u?int\s+PpmOpen\w*\s*=\s*\d|const\s+long\s+AtFdCwd\s*=\s*-|const\s+uint\s+\w+\s*=\s*0x2[0-2][0-9A-Fa-f]\b|\b(enum|class)\s+(ParamType|ParamFormat|EventCategory|EventFlags|ScapFdType|ScapL4Protocol)\b")]
    private static partial Regex WireDefinition();

    [GeneratedRegex(@"\[""([a-z0-9_]+)""\]\s*=\s*\d")]
    private static partial Regex SyscallEntry();

    private static JsonDocument LoadEventTable()
    {
        string path = SharedData.Data("event-table.json");
        if (!File.Exists(path))
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"{path} is missing under CI");
            Assert.Skip(SharedData.AbsentReason);
        }
        return JsonDocument.Parse(File.ReadAllText(path));
    }

    private static string Canonical(string libsName) => libsName.Replace("_", "", StringComparison.Ordinal);

    private static Dictionary<string, int> CEnum(string header, string prefix) =>
        Regex.Matches(header, $@"^\t{prefix}(\w+) = (-?\d+),$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

    private static Dictionary<string, int> CDefines(string header, string prefix) =>
        Regex.Matches(header, $@"^#define {prefix}(\w+) \(?(-?\d+)\)?$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));

    private static Dictionary<string, int> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => Convert.ToInt32(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture));
}
