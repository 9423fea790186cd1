using System.Text.RegularExpressions;
using Falconet.Core.Events;
using Falconet.State;
using Falconet.State.Containers;

namespace Falconet.Fields;

/// <summary>
/// The fields of Falco's <c>container</c> plugin (container.*, k8s.* and three proc.is_container_* fields), which
/// Falconet provides itself from <see cref="ContainerTable"/>. Values follow the plugin's extraction:
/// <list type="bullet">
/// <item>a host process resolves to the plugin's host entry: id, full id and name "host", type "host", other strings
/// "", flags false, mount and label lookups absent;</item>
/// <item>a container process whose container nothing has described yet has only <c>container.id</c>,
/// <c>container.start_ts</c> and <c>container.duration</c>; every other field is absent (&lt;NA&gt;);</item>
/// <item>a container event's own fields describe the container it adds or removes;</item>
/// <item>an event without a thread has no container fields at all;</item>
/// <item>the fields the plugin deprecated (health probes, k8s.rc/svc/ns/rs/deployment.*) are accepted and always absent.</item>
/// </list>
/// </summary>
internal static class ContainerFields
{
    private delegate bool MetadataExtract(ContainerInfo info, EventContext context, ref FieldValue value);

    public static void Register(FieldRegistry registry)
    {
        registry.Add("container.id", ParamType.Charbuf,
            "The truncated container id (first 12 characters) from the process's cgroups; \"host\" for processes outside containers.",
            (EventContext c, ref FieldValue v) =>
            {
                if (!TryResolve(c, out ContainerInfo? info))
                {
                    return false;
                }
                return ProcessFields.Str(info is not null ? info.Id : c.Thread!.ContainerId, ref v);
            });
        AddMetadata(registry, "container.full_id", ParamType.Charbuf, "The full container id as the runtime reports it.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.FullId, ref v));
        AddMetadata(registry, "container.name", ParamType.Charbuf, "The container name; \"host\" for processes outside containers.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.Name, ref v));
        AddMetadata(registry, "container.image", ParamType.Charbuf, "The container image, e.g. falcosecurity/falco:latest.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.Image, ref v));
        AddMetadata(registry, "container.image.id", ParamType.Charbuf, "The container image id.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.ImageId, ref v));
        AddMetadata(registry, "container.type", ParamType.Charbuf, "The container engine: docker, cri, containerd, cri-o, podman, lxc, libvirt-lxc, bpm, … or host.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.TypeName, ref v));
        AddMetadata(registry, "container.privileged", ParamType.Bool, "true for containers running privileged.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Bool(i.Privileged, ref v));
        AddMetadata(registry, "container.mounts", ParamType.Charbuf, "The container's mounts as source:dest:mode:rdwr:propagation, comma separated.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.MountsText, ref v));
        AddMount(registry, "container.mount", "One mount as source:dest:mode:rdwr:propagation, by index (container.mount[0]) or by a pattern on its source.",
            m => m.Text, byDestination: false);
        AddMount(registry, "container.mount.source", "A mount's source, by index or by a pattern on its destination.", m => m.Source, byDestination: true);
        AddMount(registry, "container.mount.dest", "A mount's destination, by index or by a pattern on its source (container.mount.dest[/var/run/docker.sock]).",
            m => m.Destination, byDestination: false);
        AddMount(registry, "container.mount.mode", "A mount's mode, by index or by a pattern on its source.", m => m.Mode, byDestination: false);
        AddMount(registry, "container.mount.rdwr", "Whether a mount is read-write (true/false), by index or by a pattern on its source.",
            m => m.ReadWrite ? "true" : "false", byDestination: false);
        AddMount(registry, "container.mount.propagation", "A mount's propagation, by index or by a pattern on its source.", m => m.Propagation, byDestination: false);
        AddMetadata(registry, "container.image.repository", ParamType.Charbuf, "The container image repository, without tag, e.g. falcosecurity/falco.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.ImageRepository, ref v));
        AddMetadata(registry, "container.image.tag", ParamType.Charbuf, "The container image tag, e.g. latest.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.ImageTag, ref v));
        AddMetadata(registry, "container.image.digest", ParamType.Charbuf, "The container image registry digest, e.g. sha256:….",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.ImageDigest, ref v));
        AddAbsent(registry, "container.healthcheck", ParamType.Charbuf, "Deprecated by the container plugin: never has a value.");
        AddAbsent(registry, "container.liveness_probe", ParamType.Charbuf, "Deprecated by the container plugin: never has a value.");
        AddAbsent(registry, "container.readiness_probe", ParamType.Charbuf, "Deprecated by the container plugin: never has a value.");
        registry.Add("container.start_ts", ParamType.Abstime,
            "Container start (ns since the epoch): the start time of the process's pid namespace init, as the kernel reports it.",
            (EventContext c, ref FieldValue v) => TryPidNsInitStart(c, out ulong start) && ProcessFields.Int((long)start, ref v));
        registry.Add("container.duration", ParamType.Reltime, "Nanoseconds since container.start_ts.",
            (EventContext c, ref FieldValue v) => TryPidNsInitStart(c, out ulong start) && ProcessFields.Int((long)(c.Event.Timestamp - start), ref v));
        AddMetadata(registry, "container.ip", ParamType.Charbuf, "The container's primary IPv4 address as the runtime reports it.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.Ip, ref v));
        AddMetadata(registry, "container.cni.json", ParamType.Charbuf, "The pod's CNI result (CRI engines) as unparsed JSON.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.CniJson, ref v));
        AddMetadata(registry, "container.host_pid", ParamType.Bool, "true if the container runs in the host pid namespace.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Bool(i.HostPid, ref v));
        AddMetadata(registry, "container.host_network", ParamType.Bool, "true if the container runs in the host network namespace.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Bool(i.HostNetwork, ref v));
        AddMetadata(registry, "container.host_ipc", ParamType.Bool, "true if the container runs in the host IPC namespace.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Bool(i.HostIpc, ref v));
        AddLabel(registry, "container.label", "One container label, container.label[key] or container.label.key.", (i, _) => i.Labels);
        AddMetadata(registry, "container.labels", ParamType.Charbuf, "The container labels as key:value, joined by \", \" (annotations and io.kubernetes.* left out).",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.LabelsText, ref v));
        AddAbsent(registry, "proc.is_container_healthcheck", ParamType.Bool, "Deprecated by the container plugin: never has a value.");
        AddAbsent(registry, "proc.is_container_liveness_probe", ParamType.Bool, "Deprecated by the container plugin: never has a value.");
        AddAbsent(registry, "proc.is_container_readiness_probe", ParamType.Bool, "Deprecated by the container plugin: never has a value.");

        AddMetadata(registry, "k8s.pod.name", ParamType.Charbuf, "The Kubernetes pod name (the container's io.kubernetes.pod.name label).",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.Labels.GetValueOrDefault("io.kubernetes.pod.name"), ref v));
        AddMetadata(registry, "k8s.ns.name", ParamType.Charbuf, "The Kubernetes namespace (the container's io.kubernetes.pod.namespace label).",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.Labels.GetValueOrDefault("io.kubernetes.pod.namespace"), ref v));
        AddMetadata(registry, "k8s.pod.id", ParamType.Charbuf, "Legacy name of k8s.pod.uid.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.Labels.GetValueOrDefault("io.kubernetes.pod.uid"), ref v));
        AddMetadata(registry, "k8s.pod.uid", ParamType.Charbuf, "The Kubernetes pod UID (the container's io.kubernetes.pod.uid label).",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.Labels.GetValueOrDefault("io.kubernetes.pod.uid"), ref v));
        AddMetadata(registry, "k8s.pod.sandbox_id", ParamType.Charbuf, "The pod sandbox id, first 12 characters.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.PodSandboxShortId, ref v));
        AddMetadata(registry, "k8s.pod.full_sandbox_id", ParamType.Charbuf, "The full pod sandbox id.",
            (ContainerInfo i, EventContext _, ref FieldValue v) => ProcessFields.Str(i.PodSandboxId, ref v));
        AddLabel(registry, "k8s.pod.label", "One Kubernetes pod label, k8s.pod.label[key] or k8s.pod.label.key.", PodLabel);
        AddMetadata(registry, "k8s.pod.labels", ParamType.Charbuf, "The Kubernetes pod labels as key:value, joined by \", \".",
            (ContainerInfo i, EventContext c, ref FieldValue v) => ProcessFields.Str(Sandbox(i, c) is { } s ? s.PodSandboxLabelsText : i.PodSandboxLabelsText, ref v));
        AddMetadata(registry, "k8s.pod.ip", ParamType.Charbuf, "The pod's IPv4 address (the pod sandbox's container.ip).",
            (ContainerInfo i, EventContext c, ref FieldValue v) => ProcessFields.Str(i.CniJson.Length > 0 ? i.Ip : Sandbox(i, c)?.Ip, ref v));
        AddMetadata(registry, "k8s.pod.cni.json", ParamType.Charbuf, "The pod's CNI result as unparsed JSON (same as container.cni.json).",
            (ContainerInfo i, EventContext c, ref FieldValue v) => ProcessFields.Str(i.CniJson.Length > 0 ? i.CniJson : Sandbox(i, c)?.CniJson, ref v));

        // Kept by the plugin for old rules only; the k8smeta plugin provides this metadata now.
        foreach (string kind in new[] { "rc", "svc", "ns", "rs", "deployment" })
        {
            if (kind != "ns")
            {
                AddAbsent(registry, $"k8s.{kind}.name", ParamType.Charbuf, "Deprecated by the container plugin: never has a value.");
            }
            AddAbsent(registry, $"k8s.{kind}.id", ParamType.Charbuf, "Deprecated by the container plugin: never has a value.");
            AddAbsent(registry, $"k8s.{kind}.label", ParamType.Charbuf, "Deprecated by the container plugin: never has a value.", FieldArgumentMode.Required);
            AddAbsent(registry, $"k8s.{kind}.labels", ParamType.Charbuf, "Deprecated by the container plugin: never has a value.");
        }
    }

    /// <summary>
    /// The container metadata the event's fields describe. False when nothing answers (no thread and not a
    /// container event); true with a null <paramref name="info"/> for a container nothing has described yet.
    /// </summary>
    private static bool TryResolve(EventContext c, out ContainerInfo? info)
    {
        ContainerTable table = c.State.Containers;
        if (IsOwnContainerEvent(c, table))
        {
            info = table.LastEventContainer;
            return true;
        }
        if (c.Thread is null)
        {
            info = null;
            return false;
        }
        info = table.Find(c.Thread.ContainerId);
        return true;
    }

    private static bool IsOwnContainerEvent(EventContext c, ContainerTable table) =>
        table.LastEventContainer is not null && table.LastEventNumber == c.Event.Number && ContainerTable.IsContainerEvent(c.Event.Type);

    /// <summary>The thread's pid-namespace init start, when the kernel reported one (container events have none: their thread is not the container's).</summary>
    private static bool TryPidNsInitStart(EventContext c, out ulong start)
    {
        start = 0;
        if (c.Thread is null || IsOwnContainerEvent(c, c.State.Containers))
        {
            return false;
        }
        start = c.Thread.PidNsInitStartTs;
        return start != 0;
    }

    /// <summary>
    /// The pod sandbox entry that holds pod-level data when the container's own record lacks the CNI result
    /// (CRI engines describe the pod on its sandbox container); the host entry when there is no sandbox id.
    /// </summary>
    private static ContainerInfo? Sandbox(ContainerInfo info, EventContext c) =>
        info.CniJson.Length == 0 ? c.State.Containers.Find(info.PodSandboxShortId) : null;

    private static string? PodLabel(ContainerInfo info, EventContext c, string key)
    {
        if (Sandbox(info, c) is { } sandbox && sandbox.PodSandboxLabels.TryGetValue(key, out string? fromSandbox))
        {
            return fromSandbox;
        }
        return info.PodSandboxLabels.GetValueOrDefault(key);
    }

    private static void AddMetadata(FieldRegistry registry, string name, ParamType type, string description, MetadataExtract extract)
    {
        registry.Add(name, type, description, (EventContext c, ref FieldValue v) => TryResolve(c, out ContainerInfo? info) && info is not null && extract(info, c, ref v));
    }

    private static void AddAbsent(FieldRegistry registry, string name, ParamType type, string description, FieldArgumentMode argumentMode = FieldArgumentMode.None)
    {
        FieldDescriptor? descriptor = null;
        descriptor = new FieldDescriptor(name, type, description,
            _ => new DelegateFieldExtractor(descriptor!, (EventContext _, ref FieldValue _) => false),
            argumentMode, argumentMode == FieldArgumentMode.None ? FieldFlags.None : FieldFlags.ArgDotted);
        registry.Add(descriptor);
    }

    private static void AddLabel(FieldRegistry registry, string name, string description, Func<ContainerInfo, EventContext, IReadOnlyDictionary<string, string>> labels)
    {
        AddLabel(registry, name, description, (info, c, key) => labels(info, c).GetValueOrDefault(key));
    }

    private static void AddLabel(FieldRegistry registry, string name, string description, Func<ContainerInfo, EventContext, string, string?> lookup)
    {
        FieldDescriptor? descriptor = null;
        descriptor = new FieldDescriptor(name, ParamType.Charbuf, description, argument =>
        {
            string key = argument?.Text ?? throw new FieldArgumentException($"{name} requires a label key, e.g. {name}[app]");
            return new DelegateFieldExtractor(descriptor!, (EventContext c, ref FieldValue v) =>
                TryResolve(c, out ContainerInfo? info) && info is not null && ProcessFields.Str(lookup(info, c, key), ref v));
        }, FieldArgumentMode.Required, FieldFlags.ArgDotted);
        registry.Add(descriptor);
    }

    /// <summary>
    /// A mount field: the argument is an index, or a regular expression searched (not anchored) in each mount's
    /// source — its destination for <c>container.mount.source</c> — the first match winning, as the plugin does.
    /// No such mount: absent.
    /// </summary>
    private static void AddMount(FieldRegistry registry, string name, string description, Func<ContainerMount, string> part, bool byDestination)
    {
        FieldDescriptor? descriptor = null;
        descriptor = new FieldDescriptor(name, ParamType.Charbuf, description, argument =>
        {
            if (argument is null)
            {
                throw new FieldArgumentException($"{name} requires a mount index or path pattern, e.g. {name}[0] or {name}[/var/run/docker.sock]");
            }
            if (argument.IsIndex)
            {
                int index = argument.Index;
                return new DelegateFieldExtractor(descriptor!, (EventContext c, ref FieldValue v) =>
                    TryResolve(c, out ContainerInfo? info) && info is not null && index < info.Mounts.Count
                    && ProcessFields.Str(part(info.Mounts[index]), ref v));
            }
            Regex pattern;
            try
            {
                pattern = new Regex(argument.Text, RegexOptions.Multiline | RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                throw new FieldArgumentException($"{name}[{argument.Text}]: not a valid path pattern: {e.Message}");
            }
            return new DelegateFieldExtractor(descriptor!, (EventContext c, ref FieldValue v) =>
                TryResolve(c, out ContainerInfo? info) && info is not null && info.FindMount(pattern, byDestination) is { } mount
                && ProcessFields.Str(part(mount), ref v));
        }, FieldArgumentMode.Required);
        registry.Add(descriptor);
    }
}
