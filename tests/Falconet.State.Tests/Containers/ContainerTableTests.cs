using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.State.Containers;
using Falconet.TestKit;

namespace Falconet.State.Tests.Containers;

/// <summary>Container metadata: the JSON reader, container events through the state engine, the live source hook, the shared captures.</summary>
public sealed class ContainerTableTests
{
    private const string FullId = "3f1a9c0c0e5b4d2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f";
    private const string ShortId = "3f1a9c0c0e5b";

    private const string FullJson = """
        {"container":{"id":"3f1a9c0c0e5b","full_id":"3f1a9c0c0e5b4d2f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f",
         "name":"web","image":"docker.io/library/nginx:1.25","imageid":"sha256:abc","imagerepo":"docker.io/library/nginx",
         "imagetag":"1.25","imagedigest":"sha256:def","ip":"172.17.0.4","cni_json":"","User":"www","type":7,
         "privileged":true,"host_pid":false,"host_network":true,"host_ipc":false,"is_pod_sandbox":false,
         "pod_sandbox_id":"63060edc2d3aa803ab559f2393776b151f99fc5b05035b21db66b3b62246ad6a","created_time":1730971086,
         "labels":{"zeta":"last","io.kubernetes.pod.name":"web-0","io.kubernetes.pod.namespace":"shop","alpha":""},
         "pod_sandbox_labels":null,
         "Mounts":[{"Source":"/var/run/docker.sock","Destination":"/var/run/docker.sock","Mode":"","RW":true,"Propagation":"rprivate"},
                   {"Source":"/proc","Destination":"/host/proc","Mode":"ro","RW":false,"Propagation":"rslave"}]}}
        """;

    private ulong _ts = 1_000_000_000;

    private ulong Ts() => _ts += 1000;

    [Fact]
    public void JsonRecordIsReadWithEveryKey()
    {
        ContainerInfo c = ContainerJson.Parse(System.Text.Encoding.UTF8.GetBytes(FullJson + "\0"));
        Assert.Equal(ShortId, c.Id);
        Assert.Equal(FullId, c.FullId);
        Assert.Equal("web", c.Name);
        Assert.Equal("docker.io/library/nginx:1.25", c.Image);
        Assert.Equal("sha256:abc", c.ImageId);
        Assert.Equal("docker.io/library/nginx", c.ImageRepository);
        Assert.Equal("1.25", c.ImageTag);
        Assert.Equal("sha256:def", c.ImageDigest);
        Assert.Equal("172.17.0.4", c.Ip);
        Assert.Equal("www", c.User);
        Assert.Equal(ContainerType.Containerd, c.Type);
        Assert.Equal("containerd", c.TypeName);
        Assert.True(c.Privileged);
        Assert.True(c.HostNetwork);
        Assert.False(c.HostPid);
        Assert.Equal("63060edc2d3a", c.PodSandboxShortId);
        Assert.Equal(1730971086, c.CreatedTime);
        Assert.Empty(c.PodSandboxLabels);
        Assert.Equal(2, c.Mounts.Count);
        Assert.Equal("/proc:/host/proc:ro:false:rslave", c.Mounts[1].Text);
        Assert.Equal("/var/run/docker.sock:/var/run/docker.sock::true:rprivate,/proc:/host/proc:ro:false:rslave", c.MountsText);
        // Ordered by key; io.kubernetes.* left out; a label without value prints its key alone.
        Assert.Equal("alpha, zeta:last", c.LabelsText);
    }

    [Fact]
    public void MissingKeysTakeThePluginDefaults()
    {
        ContainerInfo c = ContainerJson.Parse("""{"container":{"id":"ad8301db070e","image":"nginx:latest","name":"mitm_nginx","type":0}}"""u8);
        Assert.Equal("docker", c.TypeName);
        Assert.Equal("", c.ImageRepository);
        Assert.Equal("", c.FullId);
        Assert.False(c.Privileged);
        Assert.Empty(c.Mounts);
        Assert.Equal("", c.MountsText);
        Assert.Equal(ContainerType.Unknown, ContainerJson.Parse("""{"container":{"id":"x"}}"""u8).Type);
        Assert.Equal("", ContainerJson.Parse("""{"container":{"id":"x","type":10}}"""u8).TypeName);
    }

    [Theory]
    [InlineData("""{"container":{"id":"x""", "not valid JSON")]
    [InlineData("""{"id":"x"}""", "no \"container\" object")]
    [InlineData("""{"container":{"id":5}}""", "key \"id\" must be a string, not number 5")]
    [InlineData("""{"container":{"privileged":"yes"}}""", "key \"privileged\" must be true or false")]
    [InlineData("""{"container":{"Mounts":{}}}""", "key \"Mounts\" must be an array")]
    [InlineData("""{"container":{"labels":{"a":1}}}""", "key \"labels.a\" must be a string")]
    public void BadRecordsSayWhatIsWrong(string json, string expected)
    {
        var e = Assert.Throws<ContainerMetadataException>(() => ContainerJson.Parse(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ContainerJson2EventFillsTheTableAndIsTheEventsOwnContainer()
    {
        var state = new SystemState();
        ScapEvent evt = EventBuilder.Create(324, Ts(), -1).CharBuf(FullJson).Build();
        state.Process(evt);
        ContainerInfo c = Assert.IsType<ContainerInfo>(state.Containers.Find(ShortId));
        Assert.Equal("web", c.Name);
        Assert.Same(c, state.Containers.LastEventContainer);
        Assert.Equal(evt.Number, state.Containers.LastEventNumber);
        Assert.Equal(1, state.Containers.Count);
        Assert.Empty(state.Containers.Diagnostics);
    }

    [Fact]
    public void OldContainerEventsAreRead()
    {
        var state = new SystemState();
        state.Process(EventBuilder.Create(228, Ts(), -1).CharBuf("aaaaaaaaaaaa").UInt32(6).CharBuf("etcd").CharBuf("k8s.gcr.io/etcd:3.4").Build());
        state.Process(EventBuilder.Create(272, Ts(), -1).CharBuf("""{"container":{"id":"bbbbbbbbbbbb","name":"b","type":11}}""").Build());
        Assert.Equal("cri", state.Containers.Find("aaaaaaaaaaaa")!.TypeName);
        Assert.Equal("k8s.gcr.io/etcd:3.4", state.Containers.Find("aaaaaaaaaaaa")!.Image);
        Assert.Equal("podman", state.Containers.Find("bbbbbbbbbbbb")!.TypeName);
    }

    [Fact]
    public void PluginAsyncEventsAddAndRemoveContainers()
    {
        var state = new SystemState();
        state.Process(EventBuilder.Create(402, Ts(), 0).UInt32(1).CharBuf("container").ByteBuf(FullJson + "\0").Build());
        Assert.NotNull(state.Containers.Find(ShortId));
        state.Process(EventBuilder.Create(402, Ts(), 0).UInt32(1).CharBuf("some_other_plugin_event").ByteBuf("not json").Build());
        Assert.Empty(state.Containers.Diagnostics);
        state.Process(EventBuilder.Create(402, Ts(), 0).UInt32(1).CharBuf("container_removed").ByteBuf(FullJson).Build());
        Assert.Null(state.Containers.Find(ShortId));
        Assert.Equal("web", state.Containers.LastEventContainer!.Name);
    }

    [Fact]
    public void MalformedRecordIsSkippedAndNotedWithItsEventNumber()
    {
        var state = new SystemState();
        ScapEvent bad = EventBuilder.Create(324, Ts(), -1).CharBuf("""{"container":{"id":"x",""").Build();
        state.Process(bad);
        Assert.Equal(0, state.Containers.Count);
        Assert.Equal(1, state.Containers.MalformedCount);
        string note = Assert.Single(state.Containers.Diagnostics);
        Assert.StartsWith($"event {bad.Number} (container): container JSON is not valid JSON", note, StringComparison.Ordinal);
    }

    [Fact]
    public void HostAndUnknownContainersResolveLikeThePlugin()
    {
        var table = new ContainerTable();
        Assert.Same(ContainerInfo.Host, table.Find(""));
        Assert.Equal("host", ContainerInfo.Host.Id);
        Assert.Equal("host", ContainerInfo.Host.Name);
        Assert.Equal("host", ContainerInfo.Host.TypeName);
        Assert.Equal("", ContainerInfo.Host.ImageRepository);
        Assert.Null(table.Find(ShortId));
    }

    [Fact]
    public void LiveSourceIsAskedOnceAndItsAnswerAppliesBeforeTheNextEvent()
    {
        var state = new SystemState();
        var source = new RecordingSource();
        state.Containers.Source = source;
        state.OnThread(new ThreadRecord { Tid = 1, Pid = 1, ParentTid = 0, Comm = "systemd", Exe = "/sbin/init", Cwd = "/" });
        state.OnThread(new ThreadRecord { Tid = 50, Pid = 50, ParentTid = 1, Comm = "nginx", Exe = "nginx", Cwd = "/", Cgroups = [$"cpu=/docker/{FullId}"] });
        state.OnSnapshotComplete();
        Assert.Equal([ShortId], source.Requests);

        // A second process of the same container: not asked again while the answer is pending.
        state.Process(CloneExitWithCgroups(Ts(), 50, 51, [$"cpu=/docker/{FullId}"]));
        Assert.Equal([ShortId], source.Requests);

        source.Sink!.Post(ContainerJson.Parse(System.Text.Encoding.UTF8.GetBytes(FullJson)));
        Assert.Null(state.Containers.Find(ShortId));
        state.Process(EventBuilder.OpenatExit(Ts(), 50, 3, "/etc/nginx.conf"));
        Assert.Equal("web", state.Containers.Find(ShortId)!.Name);

        source.Sink.PostRemoval(ShortId);
        state.Process(EventBuilder.OpenatExit(Ts(), 50, 4, "/etc/hosts"));
        Assert.Null(state.Containers.Find(ShortId));
    }

    [Fact]
    public void SharedCapturesContainerEventsAreRead()
    {
        SharedData.SkipIfAbsent();
        SystemState empty = Replay("empty");
        Assert.Equal("mitm_nginx", empty.Containers.Find("ad8301db070e")!.Name);
        Assert.Equal("nginx:latest", empty.Containers.Find("ad8301db070e")!.Image);
        Assert.Equal("attacker_botnet_master", empty.Containers.Find("c644607f2c4e")!.Name);
        Assert.Equal("docker", empty.Containers.Find("c644607f2c4e")!.TypeName);
        Assert.Empty(empty.Containers.Diagnostics);

        SystemState open = Replay("open-multiple-files");
        Assert.Equal("falco", open.Containers.Find("5ea733068030")!.Name);
        Assert.Equal("172.17.0.3", open.Containers.Find("5ea733068030")!.Ip);
        Assert.Equal("sysdig/falco:latest", open.Containers.Find("5ea733068030")!.Image);
        Assert.Equal("express_server", open.Containers.Find("ad64969c62e5")!.Name);
        Assert.Equal("172.17.0.2", open.Containers.Find("ad64969c62e5")!.Ip);
        Assert.Empty(open.Containers.Diagnostics);

        foreach (string name in SharedData.CaptureNames)
        {
            Assert.Empty(Replay(name).Containers.Diagnostics);
        }
    }

    private static SystemState Replay(string capture)
    {
        var state = new SystemState();
        using ScapReader reader = ScapReader.Open(SharedData.Capture(capture));
        reader.ReadHeader(state);
        var evt = new ScapEvent();
        while (reader.TryReadEvent(evt))
        {
            state.Process(evt);
        }
        return state;
    }

    /// <summary>clone exit (CLONE_20_X) in the parent, with cgroups (the shared builder leaves them empty).</summary>
    internal static ScapEvent CloneExitWithCgroups(ulong ts, long parent, long child, string[] cgroups, ulong pidNsInitStart = 0) =>
        EventBuilder.Create(223, ts, parent).Pid(child).CharBuf("nginx").NulList("nginx").Pid(parent).Pid(parent).Pid(1).CharBuf("/")
            .Int64(1024).UInt64(0).UInt64(0).UInt32(0).UInt32(0).UInt32(0).CharBuf("nginx").NulList(cgroups)
            .UInt32(0).UInt32(0).UInt32(0).Pid(child).Pid(child).UInt64(pidNsInitStart).Build();

    private sealed class RecordingSource : IContainerMetadataSource
    {
        public List<string> Requests { get; } = [];

        public IContainerMetadataSink? Sink { get; private set; }

        public void Request(string containerId, IContainerMetadataSink sink)
        {
            Requests.Add(containerId);
            Sink = sink;
        }
    }
}
