using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.Fields.OutputFormats;
using Falconet.Rules.Loading;
using Falconet.State;
using Falconet.TestKit;

namespace Falconet.Fields.Tests.Containers;

/// <summary>
/// The container plugin's fields over the real state engine: host processes, container processes with and without
/// metadata, container events, pods, mounts; and falco_rules.yaml validating cleanly with the default registry.
/// </summary>
public sealed class ContainerFieldsTests
{
    private const string WebFull = "3f1a9c0c0e5b4d2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f";
    private const string Web = "3f1a9c0c0e5b";
    private const string OtherFull = "9999999999994d2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f";
    private const string SandboxFull = "63060edc2d3aa803ab559f2393776b151f99fc5b05035b21db66b3b62246ad6a";
    private const ulong ContainerStart = 1_700_000_000_000_000_000;

    private const string WebJson = """
        {"container":{"id":"3f1a9c0c0e5b","full_id":"3f1a9c0c0e5b4d2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f",
         "name":"web","image":"docker.io/library/nginx:1.25","imageid":"sha256:abc","imagerepo":"docker.io/library/nginx",
         "imagetag":"1.25","imagedigest":"sha256:def","ip":"172.17.0.4","type":0,"privileged":true,"host_network":true,
         "labels":{"zeta":"last","io.kubernetes.pod.name":"web-0","io.kubernetes.pod.namespace":"shop","io.kubernetes.pod.uid":"3e41dc6b","alpha":""},
         "Mounts":[{"Source":"/var/run/docker.sock","Destination":"/var/run/docker.sock","Mode":"","RW":true,"Propagation":"rprivate"},
                   {"Source":"/proc","Destination":"/host/proc","Mode":"ro","RW":false,"Propagation":"rslave"}]}}
        """;

    private ulong _ts = 1_700_000_100_000_000_000;

    private ulong Ts() => _ts += 1000;

    private static SystemState NewState()
    {
        var state = new SystemState();
        state.OnThread(new ThreadRecord { Tid = 1, Pid = 1, ParentTid = 0, Comm = "systemd", Exe = "/sbin/init", Cwd = "/", PidNsInitStartTs = 1_000 });
        state.OnThread(new ThreadRecord
        {
            Tid = 50, Pid = 50, ParentTid = 1, Comm = "nginx", Exe = "nginx", Cwd = "/", Vpid = 1, Vtid = 1,
            Cgroups = [$"cpu=/docker/{WebFull}", $"memory=/docker/{WebFull}"], PidNsInitStartTs = ContainerStart,
        });
        state.OnThread(new ThreadRecord
        {
            Tid = 60, Pid = 60, ParentTid = 1, Comm = "app", Exe = "app", Cwd = "/", Cgroups = [$"cpu=/system.slice/docker-{OtherFull}.scope"],
        });
        state.OnSnapshotComplete();
        return state;
    }

    private static string? Field(SystemState state, string reference)
    {
        int bracket = reference.IndexOf('[', StringComparison.Ordinal);
        string name = bracket < 0 ? reference : reference[..bracket];
        Assert.True(FieldRegistry.Default.TryResolve(name, out FieldDescriptor? field, out string? dotted), reference);
        string? argument = bracket < 0 ? dotted : reference[(bracket + 1)..^1];
        FieldExtractor extractor = field.CreateExtractor(argument is null ? null : new FieldArgument(argument));
        FieldValue value = default;
        return extractor.TryExtract(state.Context, ref value) ? FieldValueFormatter.ToText(extractor, value) : null;
    }

    private void AddContainer(SystemState state, string json) => state.Process(EventBuilder.Create(324, Ts(), -1).CharBuf(json).Build());

    [Fact]
    public void HostProcessesGetThePluginsHostEntry()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.OpenatExit(Ts(), 1, 3, "/etc/passwd"));
        Assert.Equal("host", Field(state, "container.id"));
        Assert.Equal("host", Field(state, "container.full_id"));
        Assert.Equal("host", Field(state, "container.name"));
        Assert.Equal("host", Field(state, "container.type"));
        Assert.Equal("", Field(state, "container.image"));
        Assert.Equal("", Field(state, "container.image.repository"));
        Assert.Equal("", Field(state, "container.image.tag"));
        Assert.Equal("", Field(state, "container.ip"));
        Assert.Equal("false", Field(state, "container.privileged"));
        Assert.Equal("false", Field(state, "container.host_pid"));
        Assert.Equal("", Field(state, "container.mounts"));
        Assert.Null(Field(state, "container.mount.dest[/var/run/docker.sock]"));
        Assert.Null(Field(state, "container.mount[0]"));
        Assert.Equal("", Field(state, "container.labels"));
        Assert.Null(Field(state, "container.label[app]"));
        Assert.Null(Field(state, "k8s.ns.name"));
        Assert.Null(Field(state, "k8s.pod.name"));
        Assert.Null(Field(state, "k8s.pod.uid"));
        Assert.Equal("", Field(state, "k8s.pod.sandbox_id"));
        Assert.Equal("", Field(state, "k8s.pod.labels"));
        Assert.Equal("", Field(state, "k8s.pod.ip"));
        Assert.Equal("1000", Field(state, "container.start_ts"));
        Assert.Null(Field(state, "container.healthcheck"));
        Assert.Null(Field(state, "proc.is_container_healthcheck"));
        Assert.Null(Field(state, "k8s.deployment.name"));
    }

    [Fact]
    public void ContainerProcessWithMetadata()
    {
        SystemState state = NewState();
        AddContainer(state, WebJson);
        // A new process of the container (cgroups from the clone event), then an event of it.
        state.Process(CloneExitWithCgroups(Ts(), 50, 51, [$"cpu=/docker/{WebFull}"], ContainerStart));
        ulong openTs = Ts();
        state.Process(EventBuilder.OpenatExit(openTs, 51, 3, "/etc/nginx/nginx.conf"));
        Assert.Equal(Web, Field(state, "container.id"));
        Assert.Equal(WebFull, Field(state, "container.full_id"));
        Assert.Equal("web", Field(state, "container.name"));
        Assert.Equal("docker.io/library/nginx:1.25", Field(state, "container.image"));
        Assert.Equal("docker.io/library/nginx", Field(state, "container.image.repository"));
        Assert.Equal("1.25", Field(state, "container.image.tag"));
        Assert.Equal("sha256:def", Field(state, "container.image.digest"));
        Assert.Equal("sha256:abc", Field(state, "container.image.id"));
        Assert.Equal("docker", Field(state, "container.type"));
        Assert.Equal("true", Field(state, "container.privileged"));
        Assert.Equal("true", Field(state, "container.host_network"));
        Assert.Equal("false", Field(state, "container.host_ipc"));
        Assert.Equal("172.17.0.4", Field(state, "container.ip"));
        Assert.Equal("/var/run/docker.sock:/var/run/docker.sock::true:rprivate,/proc:/host/proc:ro:false:rslave", Field(state, "container.mounts"));
        Assert.Equal("/var/run/docker.sock", Field(state, "container.mount.dest[/var/run/docker.sock]"));
        Assert.Equal("/host/proc", Field(state, "container.mount.dest[/proc*]"));
        Assert.Equal("/host/proc", Field(state, "container.mount.dest[1]"));
        Assert.Null(Field(state, "container.mount.dest[2]"));
        Assert.Null(Field(state, "container.mount.dest[/etc]"));
        Assert.Equal("/proc", Field(state, "container.mount.source[/host/proc]"));
        Assert.Equal("/proc:/host/proc:ro:false:rslave", Field(state, "container.mount[/proc]"));
        Assert.Equal("ro", Field(state, "container.mount.mode[1]"));
        Assert.Equal("true", Field(state, "container.mount.rdwr[0]"));
        Assert.Equal("rslave", Field(state, "container.mount.propagation[/proc]"));
        Assert.Equal("last", Field(state, "container.label[zeta]"));
        Assert.Equal("last", Field(state, "container.label.zeta"));
        Assert.Equal("", Field(state, "container.label[alpha]"));
        Assert.Null(Field(state, "container.label[missing]"));
        Assert.Equal("alpha, zeta:last", Field(state, "container.labels"));
        Assert.Equal("shop", Field(state, "k8s.ns.name"));
        Assert.Equal("web-0", Field(state, "k8s.pod.name"));
        Assert.Equal("3e41dc6b", Field(state, "k8s.pod.uid"));
        Assert.Equal("3e41dc6b", Field(state, "k8s.pod.id"));
        Assert.Equal(ContainerStart.ToString(System.Globalization.CultureInfo.InvariantCulture), Field(state, "container.start_ts"));
        Assert.Equal((openTs - ContainerStart).ToString(System.Globalization.CultureInfo.InvariantCulture), Field(state, "container.duration"));
    }

    [Fact]
    public void ContainerProcessWithoutMetadataHasOnlyItsIdAndStart()
    {
        SystemState state = NewState();
        AddContainer(state, WebJson);
        state.Process(EventBuilder.OpenatExit(Ts(), 60, 3, "/etc/hosts"));
        Assert.Equal("999999999999", Field(state, "container.id"));
        Assert.Null(Field(state, "container.full_id"));
        Assert.Null(Field(state, "container.name"));
        Assert.Null(Field(state, "container.image.repository"));
        Assert.Null(Field(state, "container.privileged"));
        Assert.Null(Field(state, "container.type"));
        Assert.Null(Field(state, "container.mounts"));
        Assert.Null(Field(state, "container.mount.dest[/proc]"));
        Assert.Null(Field(state, "k8s.ns.name"));
        Assert.Null(Field(state, "container.start_ts")); // the kernel reported no pid-namespace init start for it
    }

    [Fact]
    public void ContainerEventDescribesItsOwnContainer()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.Create(324, Ts(), 1).CharBuf(WebJson).Build());
        Assert.Equal(Web, Field(state, "container.id"));
        Assert.Equal("web", Field(state, "container.name"));
        Assert.Null(Field(state, "container.start_ts"));
        // The next event of the same thread is the host's again.
        state.Process(EventBuilder.OpenatExit(Ts(), 1, 3, "/etc/passwd"));
        Assert.Equal("host", Field(state, "container.id"));
    }

    [Fact]
    public void EventWithoutThreadHasNoContainerFields()
    {
        SystemState state = NewState();
        state.Process(EventBuilder.Create(324, Ts(), -1).CharBuf("""{"container":{"id":"","name":"x"}}""").Build());
        state.Process(EventBuilder.ProcExit(Ts(), 12345));
        state.Process(EventBuilder.Create(324, Ts(), -1).CharBuf(WebJson).Build());
        state.Process(EventBuilder.OpenatExit(Ts(), -1, 3, "/x"));
        Assert.Null(state.Context.Thread);
        Assert.Null(Field(state, "container.id"));
        Assert.Null(Field(state, "container.name"));
    }

    [Fact]
    public void PodFieldsFallBackToTheSandboxContainer()
    {
        SystemState state = NewState();
        // CRI: the sandbox record holds the pod's CNI result, ip and labels; the app container only points at it.
        AddContainer(state, """
            {"container":{"id":"63060edc2d3a","full_id":"SANDBOX","type":6,"is_pod_sandbox":true,"ip":"10.1.2.3",
             "cni_json":"{\"eth0\":{}}","pod_sandbox_id":"SANDBOX","pod_sandbox_labels":{"app":"shop-web","tier":"front"}}}
            """.Replace("SANDBOX", SandboxFull, StringComparison.Ordinal));
        AddContainer(state, """
            {"container":{"id":"999999999999","full_id":"OTHER","type":6,"name":"app","pod_sandbox_id":"SANDBOX",
             "labels":{"io.kubernetes.pod.namespace":"shop"}}}
            """.Replace("SANDBOX", SandboxFull, StringComparison.Ordinal).Replace("OTHER", OtherFull, StringComparison.Ordinal));
        state.Process(EventBuilder.OpenatExit(Ts(), 60, 3, "/etc/hosts"));
        Assert.Equal("cri", Field(state, "container.type"));
        Assert.Equal("63060edc2d3a", Field(state, "k8s.pod.sandbox_id"));
        Assert.Equal(SandboxFull, Field(state, "k8s.pod.full_sandbox_id"));
        Assert.Equal("10.1.2.3", Field(state, "k8s.pod.ip"));
        Assert.Equal("""{"eth0":{}}""", Field(state, "k8s.pod.cni.json"));
        Assert.Equal("shop-web", Field(state, "k8s.pod.label[app]"));
        Assert.Equal("front", Field(state, "k8s.pod.label.tier"));
        Assert.Equal("app:shop-web, tier:front", Field(state, "k8s.pod.labels"));
        Assert.Equal("shop", Field(state, "k8s.ns.name"));
        Assert.Equal("", Field(state, "container.ip"));
    }

    [Fact]
    public void MountFieldsNeedAValidArgument()
    {
        Assert.True(FieldRegistry.Default.TryGet("container.mount.dest", out FieldDescriptor? dest));
        Assert.Equal(FieldArgumentMode.Required, dest.ArgumentMode);
        Assert.Throws<FieldArgumentException>(() => dest.CreateExtractor());
        var e = Assert.Throws<FieldArgumentException>(() => dest.CreateExtractor(new FieldArgument("/proc[")));
        Assert.Contains("container.mount.dest[/proc[]", e.Message, StringComparison.Ordinal);
        Assert.True(FieldRegistry.Default.TryGet("container.label", out FieldDescriptor? label));
        Assert.Throws<FieldArgumentException>(() => label.CreateExtractor());
    }

    [Theory]
    [InlineData("container.id", ParamType.Charbuf)]
    [InlineData("container.full_id", ParamType.Charbuf)]
    [InlineData("container.name", ParamType.Charbuf)]
    [InlineData("container.image", ParamType.Charbuf)]
    [InlineData("container.image.id", ParamType.Charbuf)]
    [InlineData("container.type", ParamType.Charbuf)]
    [InlineData("container.privileged", ParamType.Bool)]
    [InlineData("container.mounts", ParamType.Charbuf)]
    [InlineData("container.mount", ParamType.Charbuf)]
    [InlineData("container.mount.source", ParamType.Charbuf)]
    [InlineData("container.mount.dest", ParamType.Charbuf)]
    [InlineData("container.mount.mode", ParamType.Charbuf)]
    [InlineData("container.mount.rdwr", ParamType.Charbuf)]
    [InlineData("container.mount.propagation", ParamType.Charbuf)]
    [InlineData("container.image.repository", ParamType.Charbuf)]
    [InlineData("container.image.tag", ParamType.Charbuf)]
    [InlineData("container.image.digest", ParamType.Charbuf)]
    [InlineData("container.healthcheck", ParamType.Charbuf)]
    [InlineData("container.liveness_probe", ParamType.Charbuf)]
    [InlineData("container.readiness_probe", ParamType.Charbuf)]
    [InlineData("container.start_ts", ParamType.Abstime)]
    [InlineData("container.duration", ParamType.Reltime)]
    [InlineData("container.ip", ParamType.Charbuf)]
    [InlineData("container.cni.json", ParamType.Charbuf)]
    [InlineData("container.host_pid", ParamType.Bool)]
    [InlineData("container.host_network", ParamType.Bool)]
    [InlineData("container.host_ipc", ParamType.Bool)]
    [InlineData("container.label", ParamType.Charbuf)]
    [InlineData("container.labels", ParamType.Charbuf)]
    [InlineData("proc.is_container_healthcheck", ParamType.Bool)]
    [InlineData("proc.is_container_liveness_probe", ParamType.Bool)]
    [InlineData("proc.is_container_readiness_probe", ParamType.Bool)]
    [InlineData("k8s.pod.name", ParamType.Charbuf)]
    [InlineData("k8s.ns.name", ParamType.Charbuf)]
    [InlineData("k8s.pod.id", ParamType.Charbuf)]
    [InlineData("k8s.pod.uid", ParamType.Charbuf)]
    [InlineData("k8s.pod.sandbox_id", ParamType.Charbuf)]
    [InlineData("k8s.pod.full_sandbox_id", ParamType.Charbuf)]
    [InlineData("k8s.pod.label", ParamType.Charbuf)]
    [InlineData("k8s.pod.labels", ParamType.Charbuf)]
    [InlineData("k8s.pod.ip", ParamType.Charbuf)]
    [InlineData("k8s.pod.cni.json", ParamType.Charbuf)]
    [InlineData("k8s.rc.name", ParamType.Charbuf)]
    [InlineData("k8s.svc.label", ParamType.Charbuf)]
    [InlineData("k8s.ns.labels", ParamType.Charbuf)]
    [InlineData("k8s.deployment.id", ParamType.Charbuf)]
    public void PluginFieldsAreRegisteredWithThePluginsTypes(string name, ParamType type)
    {
        Assert.True(FieldRegistry.Default.TryGet(name, out FieldDescriptor? field), name);
        Assert.Equal(type, field.Type);
    }

    [Fact]
    public void FieldsNotInThePluginAreNotInvented()
    {
        Assert.False(FieldRegistry.Default.TryGet("container.user", out _));
        Assert.False(FieldRegistry.Default.TryGet("k8s.ns.name.x", out _));
    }

    [Fact]
    public void WarmExtractionDoesNotAllocate()
    {
        SystemState state = NewState();
        AddContainer(state, WebJson);
        string[] references =
        [
            "container.id", "container.name", "container.image.repository", "container.privileged", "container.mounts",
            "container.labels", "k8s.ns.name", "k8s.pod.labels", "k8s.pod.ip", "container.start_ts", "container.duration",
        ];
        var extractors = new List<FieldExtractor>();
        foreach (string reference in references)
        {
            Assert.True(FieldRegistry.Default.TryGet(reference, out FieldDescriptor? field));
            extractors.Add(field.CreateExtractor());
        }
        Assert.True(FieldRegistry.Default.TryGet("container.mount.dest", out FieldDescriptor? mountDest));
        extractors.Add(mountDest.CreateExtractor(new FieldArgument("/proc*")));
        Assert.True(FieldRegistry.Default.TryGet("container.label", out FieldDescriptor? label));
        extractors.Add(label.CreateExtractor(new FieldArgument("zeta")));

        ScapEvent host = EventBuilder.OpenatExit(Ts(), 1, 3, "/etc/passwd");
        ScapEvent web = EventBuilder.OpenatExit(Ts(), 50, 3, "/etc/passwd");
        void Round()
        {
            foreach (ScapEvent evt in new[] { host, web })
            {
                state.Process(evt);
                foreach (FieldExtractor extractor in extractors)
                {
                    FieldValue value = default;
                    extractor.TryExtract(state.Context, ref value);
                }
            }
        }
        Round();
        Round();
        var events = new[] { host, web };
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            foreach (FieldExtractor extractor in extractors)
            {
                FieldValue value = default;
                extractor.TryExtract(state.Context, ref value);
            }
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        GC.KeepAlive(events);
    }

    [Fact]
    public void FalcoRulesValidateWithoutErrorsOrWarnings()
    {
        SharedData.SkipIfAbsent();
        LoadResult result = RulesLoader.Load([SharedData.Rules("falco_rules.yaml")], FieldRegistry.Default);
        Assert.True(result.Success, string.Join('\n', result.Diagnostics));
        Assert.Empty(result.Diagnostics);
    }

    /// <summary>clone exit (CLONE_20_X) in the parent, with cgroups and the pid-namespace init start.</summary>
    private static ScapEvent CloneExitWithCgroups(ulong ts, long parent, long child, string[] cgroups, ulong pidNsInitStart) =>
        EventBuilder.Create(223, ts, parent).Pid(child).CharBuf("nginx").NulList("nginx").Pid(parent).Pid(parent).Pid(1).CharBuf("/")
            .Int64(1024).UInt64(0).UInt64(0).UInt32(0).UInt32(0).UInt32(0).CharBuf("nginx").NulList(cgroups)
            .UInt32(0).UInt32(0).UInt32(0).Pid(child).Pid(child).UInt64(pidNsInitStart).Build();
}
