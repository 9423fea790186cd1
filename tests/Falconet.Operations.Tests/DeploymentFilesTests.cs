using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Falconet.Host;
using Falconet.Host.Configuration;
using Falconet.TestKit;
using YamlDotNet.RepresentationModel;

namespace Falconet.Operations.Tests;

/// <summary>
/// The systemd unit, the Dockerfile and the Kubernetes manifest: they parse (systemd-analyze verify, YamlDotNet),
/// carry the capabilities and host paths eBPF needs, probe the configured health endpoint, and name the image the
/// documented build command makes; the ConfigMap's configuration loads without warnings; sd_notify readiness is real.
/// </summary>
public sealed class DeploymentFilesTests
{
    private const string Image = "falconet/falconet:latest";
    private static readonly string[] s_capabilities = ["BPF", "PERFMON", "SYS_RESOURCE", "SYS_PTRACE"];

    private static string Repo(string relative) => Path.Combine(SharedData.RepositoryRoot, relative);

    private static Dictionary<string, List<string>> UnitSection(string text, string section)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string current = "";
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            if (line.StartsWith('['))
            {
                current = line.Trim('[', ']');
                continue;
            }
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (current == section && eq > 0)
            {
                string key = line[..eq];
                if (!values.TryGetValue(key, out List<string>? list))
                {
                    values[key] = list = [];
                }
                list.Add(line[(eq + 1)..]);
            }
        }
        return values;
    }

    [Fact]
    public void TheSystemdUnitIsHardenedNotifiesReadinessAndVerifies()
    {
        string text = File.ReadAllText(Repo("deploy/systemd/falconet.service"));
        Dictionary<string, List<string>> service = UnitSection(text, "Service");
        Assert.Equal(["notify"], service["Type"]);
        Assert.Equal(["on-failure"], service["Restart"]);
        Assert.Equal(["strict"], service["ProtectSystem"]);
        Assert.Equal(["yes"], service["NoNewPrivileges"]);
        Assert.Contains("-HUP", service["ExecReload"][0], StringComparison.Ordinal);
        foreach (string key in new[] { "CapabilityBoundingSet", "AmbientCapabilities" })
        {
            string[] caps = service[key][0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(s_capabilities, c => Assert.Contains("CAP_" + c, caps));
            Assert.DoesNotContain("CAP_SYS_ADMIN", caps);
        }
        Assert.DoesNotContain("User", service.Keys); // root's uid with only these capabilities, not full root
        Assert.StartsWith("/usr/lib/falconet/falconet ", service["ExecStart"][0], StringComparison.Ordinal);

        bool analyze = File.Exists("/usr/bin/systemd-analyze");
        Oracle.Require(analyze, "systemd-analyze (package systemd) is needed to verify the unit");
        using var dir = new TempDirectory();
        // verify insists the binary exists; the installed path does not here, so the copy runs /bin/true instead.
        string copy = dir.File("falconet.service");
        File.WriteAllText(copy, text.Replace("ExecStart=/usr/lib/falconet/falconet", "ExecStart=/bin/true", StringComparison.Ordinal));
        var start = new ProcessStartInfo("/usr/bin/systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("verify");
        start.ArgumentList.Add(copy);
        using Process p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, p.ExitCode);
        // verify exits 0 on unknown keys and bad values, only saying so: any line about the unit is a failure.
        Assert.DoesNotContain("falconet.service", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDockerfileBuildsWithTheSdkAndRunsOnASlimRuntimeWithLibbpf()
    {
        string[] lines = File.ReadAllLines(Repo("deploy/docker/Dockerfile"));
        string[] from = [.. lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal))];
        Assert.Equal(2, from.Length);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", from[0]);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0 AS runtime$", from[1]);
        int runtimeStart = Array.IndexOf(lines, from[1]);
        Assert.Contains(lines.Skip(runtimeStart), l => l.Contains("libbpf1", StringComparison.Ordinal));
        Assert.Contains(lines.Take(runtimeStart), l => l.Contains("clang-14", StringComparison.Ordinal) && l.Contains("libbpf-dev", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("dotnet publish src/Falconet.Cli/Falconet.Cli.csproj", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("COPY --from=build /out /usr/lib/falconet", StringComparison.Ordinal));

        string command = $"docker build -f deploy/docker/Dockerfile -t {Image} .";
        Assert.Contains(command, File.ReadAllText(Repo("docs/operations.md")), StringComparison.Ordinal);
        Assert.Contains(command, string.Join('\n', lines), StringComparison.Ordinal);
    }

    [Fact]
    public void TheDaemonSetHasTheHostAccessProbesLimitsAndImageAndItsConfigLoadsCleanly()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Repo("deploy/kubernetes/falconet-daemonset.yaml"))));
        YamlMappingNode Doc(string kind) => (YamlMappingNode)Assert.Single(stream.Documents, d => Scalar(d.RootNode, "kind") == kind).RootNode;

        YamlMappingNode config = Doc("ConfigMap");
        string falconetYaml = Scalar(config, "data", "falconet.yaml")!;
        Assert.Equal(File.ReadAllText(Repo("deploy/kubernetes/falconet.yaml")), falconetYaml);
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("falconet.yaml"), falconetYaml);
        FalconetOptions options = FalconetCommands.LoadConfiguration(dir.File("falconet.yaml"), []);
        Assert.Empty(options.ConfigWarnings);
        Assert.Equal("0.0.0.0", options.Operations.WebServer.ListenAddress);
        Assert.True(options.Operations.WebServer.PrometheusMetricsEnabled && options.Operations.MetricsEnabled);
        Assert.Contains("<builtin>", options.RulesFiles);

        YamlMappingNode ds = Doc("DaemonSet");
        YamlMappingNode pod = Node(ds, "spec", "template", "spec");
        Assert.Equal("true", Scalar(pod, "hostPID"));
        var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Children.Single();
        Assert.Equal(Image, Scalar(container, "image"));
        string[] added = [.. ((YamlSequenceNode)Node(container, "securityContext", "capabilities")["add"]).Children.Select(c => ((YamlScalarNode)c).Value!)];
        Assert.All(s_capabilities, c => Assert.Contains(c, added));
        Assert.Equal("false", Scalar(container, "securityContext", "privileged"));
        foreach (string probe in new[] { "livenessProbe", "readinessProbe" })
        {
            Assert.Equal(options.Operations.WebServer.HealthzEndpoint, Scalar(container, probe, "httpGet", "path"));
            Assert.Equal(options.Operations.WebServer.ListenPort.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(container, probe, "httpGet", "port"));
        }
        Assert.NotNull(Scalar(container, "resources", "limits", "memory"));
        Assert.NotNull(Scalar(container, "resources", "limits", "cpu"));

        string[] hostPaths = [.. ((YamlSequenceNode)pod["volumes"]).Children.Cast<YamlMappingNode>()
            .Select(v => Scalar(v, "hostPath", "path")).OfType<string>()];
        Assert.Contains("/sys/kernel/btf", hostPaths);
        string[] mounts = [.. ((YamlSequenceNode)container["volumeMounts"]).Children.Cast<YamlMappingNode>().Select(m => Scalar(m, "mountPath")!)];
        Assert.Contains("/sys/kernel/btf", mounts);
        Assert.Contains("/etc/falconet/rules.d", mounts);
        Assert.Contains("/etc/falconet/rules.d", options.RulesFiles);
    }

    [Fact]
    public void ReadinessIsSentOverNotifySocketWhenTheSourceIsOpenAndStoppingAtTheEnd()
    {
        using var dir = new TempDirectory();
        string socketPath = dir.File("notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        socket.ReceiveTimeout = 60_000;
        SlowCapture capture = SlowCapture.Create(dir.File("scratch.scap"), 3);
        File.WriteAllText(dir.File("rules.yaml"), "- rule: r\n  desc: d\n  condition: evt.type = socket\n  output: o\n  priority: INFO\n");
        using var child = new FalconetChild(["-r", dir.File("rules.yaml"), "-o", "dns.mode=observed"], new() { ["NOTIFY_SOCKET"] = socketPath });

        var buffer = new byte[4096];
        child.Write(capture.Header);
        string ready = Encoding.UTF8.GetString(buffer, 0, socket.Receive(buffer));
        Assert.StartsWith("READY=1\nSTATUS=replaying - with 1 rules", ready, StringComparison.Ordinal);
        child.Write(capture.Events);
        (int rc, _, _) = child.Finish();
        Assert.Equal(0, rc);
        Assert.Equal("STOPPING=1", Encoding.UTF8.GetString(buffer, 0, socket.Receive(buffer)));
    }

    private static YamlMappingNode Node(YamlNode node, params string[] path)
    {
        foreach (string key in path)
        {
            node = ((YamlMappingNode)node)[key];
        }
        return (YamlMappingNode)node;
    }

    private static string? Scalar(YamlNode node, params string[] path)
    {
        foreach (string key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? next))
            {
                return null;
            }
            node = next;
        }
        return (node as YamlScalarNode)?.Value;
    }
}
