using Falconet.Host.Configuration;
using Falconet.TestKit;

namespace Falconet.Host.Tests;

/// <summary>
/// Known keys come from the built-in falconet.yaml; unknown keys and Falco keys Falconet ignores are warnings naming
/// where they were set; wrong types are errors with file and line; <c>${VAR}</c>; <c>config_files</c> in Falco's order;
/// <c>config show</c> names each value's origin.
/// </summary>
public sealed class ConfigSchemaTests
{
    [Fact]
    public void EveryBuiltInKeyIsKnownAndTheBuiltInConfigurationHasNoWarnings()
    {
        FalconetOptions options = FalconetCommands.LoadConfiguration(null, []);
        Assert.Empty(options.ConfigWarnings);
        foreach ((string path, _, _) in ConfigTree.Parse(EmbeddedDefaults.ConfigYaml, EmbeddedDefaults.ConfigFileName).Entries())
        {
            Assert.True(ConfigSchema.Default.IsKnown(path), path);
        }
    }

    [Fact]
    public void ASectionAddedToTheDefaultsFileIsKnownWithItsTypes()
    {
        var schema = new ConfigSchema(ConfigTree.Parse("capture:\n  enabled: false\n  max_file_size_mb: 100\n  path_prefix: /tmp/falco\n", EmbeddedDefaults.ConfigFileName));
        ConfigTree user = ConfigTree.Parse("capture:\n  enabled: true\n  max_file_size_mb: 5\n  path_prefix: /var/x\n", "user.yaml");
        Assert.Empty(schema.Check(user));
        ConfigException e = Assert.Throws<ConfigException>(() => schema.Check(ConfigTree.Parse("capture:\n  max_file_size_mb: big\n", "user.yaml")));
        Assert.Equal("user.yaml:2: configuration key capture.max_file_size_mb: 'big' is not an integer", e.Message);
    }

    [Fact]
    public void AnUnknownOverrideIsAWarningNamingTheOption()
    {
        FalconetOptions options = FalconetCommands.LoadConfiguration(null, ["no_such_key=1", "webserver.no_such=2"]);
        Assert.Equal(
        [
            // In the order of the tree: webserver is a built-in section, no_such_key is new at the end.
            "-o webserver.no_such=2: unknown configuration key webserver.no_such; ignored",
            "-o no_such_key=1: unknown configuration key no_such_key; ignored",
        ], options.ConfigWarnings);
    }

    [Fact]
    public void UnknownAndIgnoredFalcoKeysInAFileAreWarningsWithFileAndLine()
    {
        using var dir = new TempDirectory();
        string file = dir.File("falco.yaml");
        File.WriteAllText(file, "json_output: true\nlog_level: info\nengine:\n  kind: modern_ebpf\n  kmod:\n    buf_size_preset: 4\nfrobnicate:\n  deep: 1\n");
        FalconetOptions options = FalconetCommands.LoadConfiguration(file, []);
        Assert.Equal(
        [
            $"{file}:2: configuration key log_level is a Falco key that Falconet does not use; ignored",
            $"{file}:5: configuration key engine.kmod is a Falco key that Falconet does not use; ignored",
            $"{file}:7: unknown configuration key frobnicate; ignored",
        ], options.ConfigWarnings);
    }

    [Theory]
    [InlineData("json_output: maybe\n", ":1: configuration key json_output: 'maybe' is not a boolean (true/false)")]
    [InlineData("webserver:\n  listen_port: eighty\n", ":2: configuration key webserver.listen_port: 'eighty' is not an integer")]
    [InlineData("syscall_event_drops:\n  threshold: lots\n", ":2: configuration key syscall_event_drops.threshold: 'lots' is not a number")]
    [InlineData("stdout_output: yes\n", ":1: configuration key stdout_output: expected a mapping")]
    [InlineData("priority: [a, b]\n", ":1: configuration key priority: expected a scalar value")]
    public void AWrongTypeIsAnErrorWithFileLineAndKey(string yaml, string expected)
    {
        using var dir = new TempDirectory();
        string file = dir.File("falco.yaml");
        File.WriteAllText(file, yaml);
        ConfigException e = Assert.Throws<ConfigException>(() => FalconetCommands.LoadConfiguration(file, []));
        Assert.Equal(file + expected, e.Message);
    }

    [Fact]
    public void AWrongTypedOverrideIsAnErrorNamingTheOption()
    {
        ConfigException e = Assert.Throws<ConfigException>(() => FalconetCommands.LoadConfiguration(null, ["outputs_queue.capacity=many"]));
        Assert.Equal("-o outputs_queue.capacity=many: configuration key outputs_queue.capacity: 'many' is not an integer", e.Message);
    }

    [Fact]
    public void EnvironmentVariablesAreSubstitutedAndTheEscapeKeepsThemLiteral()
    {
        string name = "FALCONET_TEST_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(name, "/var/log/alerts.txt");
        try
        {
            using var dir = new TempDirectory();
            string file = dir.File("falco.yaml");
            File.WriteAllText(file, $"file_output:\n  filename: ${{{name}}}\nhttp_output:\n  user_agent: \"agent $${{{name}}}\"\n");
            FalconetOptions options = FalconetCommands.LoadConfiguration(file, []);
            Assert.Equal("/var/log/alerts.txt", options.Tree.GetString("file_output.filename"));
            Assert.Equal("agent ${" + name + "}", options.Tree.GetString("http_output.user_agent"));
            Assert.Equal($"env ${{{name}}} at {file}:2", ConfigShow.Describe(options.Tree.OriginOf("file_output.filename")));
            Assert.Equal($"file {file}:4", ConfigShow.Describe(options.Tree.OriginOf("http_output.user_agent")));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void ConfigFilesLoadInOrderDirectoriesByNameWithTheirStrategiesThenOverrides()
    {
        using var dir = new TempDirectory();
        string confd = Path.Combine(dir.Path, "config.d");
        Directory.CreateDirectory(confd);
        File.WriteAllText(Path.Combine(confd, "b.yaml"), "priority: notice\nsyscall_event_drops:\n  actions: [exit]\n");
        File.WriteAllText(Path.Combine(confd, "a.yaml"), "priority: warning\nsyscall_event_drops:\n  actions: [alert]\n");
        File.WriteAllText(Path.Combine(confd, "ignored.txt"), "priority: emergency\n");
        string overrideFile = dir.File("override.yaml");
        File.WriteAllText(overrideFile, "syscall_event_drops:\n  threshold: .5\n");
        string addOnly = dir.File("addonly.yaml");
        File.WriteAllText(addOnly, "priority: critical\noutput_timeout: 1234\n");
        string main = dir.File("falco.yaml");
        File.WriteAllText(main, $"priority: debug\nsyscall_event_drops:\n  actions: [log]\n  rate: 1\nconfig_files:\n  - {confd}\n  - path: {overrideFile}\n    strategy: override\n  - path: {addOnly}\n    strategy: add-only\n");

        FalconetOptions options = FalconetCommands.LoadConfiguration(main, ["json_output=true"]);
        // a.yaml then b.yaml: b's scalar wins, lists append in that order.
        Assert.Equal(Falconet.Core.Alerts.Priority.Notice, options.MinimumPriority);
        // override replaced the whole syscall_event_drops section.
        Assert.Null(options.Tree.GetStringList("syscall_event_drops.actions"));
        Assert.Equal(0.5, options.Tree.GetDouble("syscall_event_drops.threshold", 0));
        // add-only added output_timeout but kept priority.
        Assert.Equal(1234, options.Tree.GetInt64("output_timeout", 0));
        Assert.True(options.JsonOutput);
        Assert.Equal($"file {Path.Combine(confd, "b.yaml")}:1", ConfigShow.Describe(options.Tree.OriginOf("priority")));

        FalconetOptions appended = FalconetCommands.LoadConfiguration(main, ["config_files=[\"" + confd + "\"]"]);
        Assert.Equal(["log", "alert", "exit"], appended.Tree.GetStringList("syscall_event_drops.actions"));
    }

    [Fact]
    public void RulesDirectoriesLoadTheirFilesInOrdinalNameOrder()
    {
        using var dir = new TempDirectory();
        foreach (string name in new[] { "b.yaml", "a.yml", "B.yaml", "c.txt" })
        {
            string rule = Path.GetFileNameWithoutExtension(name) + "_" + Path.GetExtension(name)[1..];
            File.WriteAllText(Path.Combine(dir.Path, name), $"- rule: {rule}\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n");
        }
        Falconet.Rules.Loading.LoadResult result = FalconetCommands.LoadRules([dir.Path]);
        Assert.True(result.Success);
        Assert.Equal(["B_yaml", "a_yml", "b_yaml"], result.RuleSet.Rules.Select(r => r.Name));
    }

    [Fact]
    public void ConfigShowPrintsEachValueWithItsOrigin()
    {
        using var dir = new TempDirectory();
        string file = dir.File("falco.yaml");
        File.WriteAllText(file, "json_output: true\nwebserver:\n  listen_port: 9000\n");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, ConfigShow.Run(file, ["webserver.listen_address=0.0.0.0", "bogus=1"], new ConsoleStreams(output, error, Stream.Null)));
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"json_output: true  # file {file}:1", lines);
        Assert.Contains($"webserver.listen_port: 9000  # file {file}:3", lines);
        Assert.Contains("webserver.listen_address: 0.0.0.0  # -o webserver.listen_address=0.0.0.0", lines);
        Assert.Contains("falconet: warning: -o bogus=1: unknown configuration key bogus; ignored", error.ToString(), StringComparison.Ordinal);

        var builtIn = new StringWriter();
        ConfigShow.Run(null, [], new ConsoleStreams(builtIn, TextWriter.Null, Stream.Null));
        Assert.Matches(@"(?m)^webserver\.listen_port: 8765  # built-in <builtin>/falconet\.yaml:\d+\r?$", builtIn.ToString());
        Assert.Matches(@"(?m)^webserver\.listen_address: 127\.0\.0\.1  # built-in", builtIn.ToString());
    }
}
