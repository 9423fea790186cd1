using System.Text.RegularExpressions;
using Falconet.State.Containers;
using static Falconet.Fields.FieldValues;

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
            (EventContext c, ref FieldValue v) => TryResolve(c, out ContainerInfo? info) && Str(info is not null ? info.Id : c.Thread!.ContainerId, ref v));
        AddText(registry, "container.full_id", "The full container id as the runtime reports it.", static i => i.FullId);
        AddText(registry, "container.name", "The container name; \"host\" for processes outside containers.", static i => i.Name);
        AddText(registry, "container.image", "The container image, e.g. falcosecurity/falco:latest.", static i => i.Image);
        AddText(registry, "container.image.id", "The container image id.", static i => i.ImageId);
        AddText(registry, "container.type", "The container engine: docker, cri, containerd, cri-o, podman, lxc, libvirt-lxc, bpm, … or host.", static i => i.TypeName);
        AddFlag(registry, "container.privileged", "true for containers running privileged.", static i => i.Privileged);
        AddText(registry, "container.mounts", "The container's mounts as source:dest:mode:rdwr:propagation, comma separated.", static i => i.MountsText);
        AddMount(registry, "container.mount", "One mount as source:dest:mode:rdwr:propagation, by index (container.mount[0]) or by a pattern on its source.",
            m => m.Text, byDestination: false);
        AddMount(registry, "container.mount.source", "A mount's source, by index or by a pattern on its destination.", m => m.Source, byDestination: true);
        AddMount(registry, "container.mount.dest", "A mount's destination, by index or by a pattern on its source (container.mount.dest[/var/run/docker.sock]).",
            m => m.Destination, byDestination: false);
        AddMount(registry, "container.mount.mode", "A mount's mode, by index or by a pattern on its source.", m => m.Mode, byDestination: false);
        AddMount(registry, "container.mount.rdwr", "Whether a mount is read-write (true/false), by index or by a pattern on its source.",
            m => m.ReadWrite ? "true" : "false", byDestination: false);
        AddMount(registry, "container.mount.propagation", "A mount's propagation, by index or by a pattern on its source.", m => m.Propagation, byDestination: false);
        AddText(registry, "container.image.repository", "The container image repository, without tag, e.g. falcosecurity/falco.", static i => i.ImageRepository);
        AddText(registry, "container.image.tag", "The container image tag, e.g. latest.", static i => i.ImageTag);
        AddText(registry, "container.image.digest", "The container image registry digest, e.g. sha256:….", static i => i.ImageDigest);
        foreach (string probe in s_healthProbes)
        {
            AddAbsent(registry, $"container.{probe}", ParamType.Charbuf);
        }
        registry.Add("container.start_ts", ParamType.Abstime,
            "Container start (ns since the epoch): the start time of the process's pid namespace init, as the kernel reports it.",
            (EventContext c, ref FieldValue v) => TryPidNsInitStart(c, out ulong start) && Int((long)start, ref v));
        registry.Add("container.duration", ParamType.Reltime, "Nanoseconds since container.start_ts.",
            (EventContext c, ref FieldValue v) => TryPidNsInitStart(c, out ulong start) && Int((long)(c.Event.Timestamp - start), ref v));
        AddText(registry, "container.ip", "The container's primary IPv4 address as the runtime reports it.", static i => i.Ip);
        AddText(registry, "container.cni.json", "The pod's CNI result (CRI engines) as unparsed JSON.", static i => i.CniJson);
        AddFlag(registry, "container.host_pid", "true if the container runs in the host pid namespace.", static i => i.HostPid);
        AddFlag(registry, "container.host_network", "true if the container runs in the host network namespace.", static i => i.HostNetwork);
        AddFlag(registry, "container.host_ipc", "true if the container runs in the host IPC namespace.", static i => i.HostIpc);
        AddLabel(registry, "container.label", "One container label, container.label[key] or container.label.key.", (i, _) => i.Labels);
        AddText(registry, "container.labels", "The container labels as key:value, joined by \", \" (annotations and io.kubernetes.* left out).", static i => i.LabelsText);
        foreach (string probe in s_healthProbes)
        {
            AddAbsent(registry, $"proc.is_container_{probe}", ParamType.Bool);
        }

        AddLabelValue(registry, "k8s.pod.name", "The Kubernetes pod name (the container's io.kubernetes.pod.name label).", "io.kubernetes.pod.name");
        AddLabelValue(registry, "k8s.ns.name", "The Kubernetes namespace (the container's io.kubernetes.pod.namespace label).", "io.kubernetes.pod.namespace");
        AddLabelValue(registry, "k8s.pod.id", "Legacy name of k8s.pod.uid.", "io.kubernetes.pod.uid");
        AddLabelValue(registry, "k8s.pod.uid", "The Kubernetes pod UID (the container's io.kubernetes.pod.uid label).", "io.kubernetes.pod.uid");
        AddText(registry, "k8s.pod.sandbox_id", "The pod sandbox id, first 12 characters.", static i => i.PodSandboxShortId);
        AddText(registry, "k8s.pod.full_sandbox_id", "The full pod sandbox id.", static i => i.PodSandboxId);
        AddLabel(registry, "k8s.pod.label", "One Kubernetes pod label, k8s.pod.label[key] or k8s.pod.label.key.", PodLabel);
        AddMetadata(registry, "k8s.pod.labels", ParamType.Charbuf, "The Kubernetes pod labels as key:value, joined by \", \".",
            (ContainerInfo i, EventContext c, ref FieldValue v) => Str(Sandbox(i, c) is { } s ? s.PodSandboxLabelsText : i.PodSandboxLabelsText, ref v));
        AddMetadata(registry, "k8s.pod.ip", ParamType.Charbuf, "The pod's IPv4 address (the pod sandbox's container.ip).",
            (ContainerInfo i, EventContext c, ref FieldValue v) => Str(i.CniJson.Length > 0 ? i.Ip : Sandbox(i, c)?.Ip, ref v));
        AddMetadata(registry, "k8s.pod.cni.json", ParamType.Charbuf, "The pod's CNI result as unparsed JSON (same as container.cni.json).",
            (ContainerInfo i, EventContext c, ref FieldValue v) => Str(i.CniJson.Length > 0 ? i.CniJson : Sandbox(i, c)?.CniJson, ref v));

        // Kept by the plugin for old rules only; the k8smeta plugin provides this metadata now.
        foreach (string kind in new[] { "rc", "svc", "ns", "rs", "deployment" })
        {
            if (kind != "ns")
            {
                AddAbsent(registry, $"k8s.{kind}.name", ParamType.Charbuf);
            }
            AddAbsent(registry, $"k8s.{kind}.id", ParamType.Charbuf);
            AddAbsent(registry, $"k8s.{kind}.label", ParamType.Charbuf, FieldArgumentMode.Required);
            AddAbsent(registry, $"k8s.{kind}.labels", ParamType.Charbuf);
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

    private static void AddText(FieldRegistry registry, string name, string description, Func<ContainerInfo, string?> select) =>
        AddMetadata(registry, name, ParamType.Charbuf, description, (ContainerInfo i, EventContext _, ref FieldValue v) => Str(select(i), ref v));

    /// <summary>A field holding one label of the container (the Kubernetes metadata the runtime puts in labels).</summary>
    private static void AddLabelValue(FieldRegistry registry, string name, string description, string label) =>
        AddText(registry, name, description, i => i.Labels.GetValueOrDefault(label));

    private static void AddFlag(FieldRegistry registry, string name, string description, Func<ContainerInfo, bool> select) =>
        AddMetadata(registry, name, ParamType.Bool, description, (ContainerInfo i, EventContext _, ref FieldValue v) => Bool(select(i), ref v));

    private static void AddMetadata(FieldRegistry registry, string name, ParamType type, string description, MetadataExtract extract) =>
        registry.Add(name, type, description, (EventContext c, ref FieldValue v) => TryResolve(c, out ContainerInfo? info) && info is not null && extract(info, c, ref v));

    /// <summary>The health probe kinds of the deprecated <c>container.*</c> and <c>proc.is_container_*</c> fields.</summary>
    private static readonly string[] s_healthProbes = ["healthcheck", "liveness_probe", "readiness_probe"];

    /// <summary>A field the plugin deprecated: accepted in rules, never has a value.</summary>
    private static void AddAbsent(FieldRegistry registry, string name, ParamType type, FieldArgumentMode argumentMode = FieldArgumentMode.None) =>
        registry.Add(name, type, "Deprecated by the container plugin: never has a value.", argumentMode, argumentMode == FieldArgumentMode.None ? FieldFlags.None : FieldFlags.ArgDotted,
            static _ => static (EventContext _, ref FieldValue _) => false);

    private static void AddLabel(FieldRegistry registry, string name, string description, Func<ContainerInfo, EventContext, IReadOnlyDictionary<string, string>> labels) =>
        AddLabel(registry, name, description, (info, c, key) => labels(info, c).GetValueOrDefault(key));

    private static void AddLabel(FieldRegistry registry, string name, string description, Func<ContainerInfo, EventContext, string, string?> lookup) =>
        registry.Add(name, ParamType.Charbuf, description, FieldArgumentMode.Required, FieldFlags.ArgDotted, argument =>
        {
            string key = FieldArguments.Required(argument, $"{name} requires a label key, e.g. {name}[app]");
            return (EventContext c, ref FieldValue v) => TryResolve(c, out ContainerInfo? info) && info is not null && Str(lookup(info, c, key), ref v);
        });

    /// <summary>
    /// A mount field: the argument is an index, or a regular expression searched (not anchored) in each mount's
    /// source — its destination for <c>container.mount.source</c> — the first match winning, as the plugin does.
    /// No such mount: absent.
    /// </summary>
    private static void AddMount(FieldRegistry registry, string name, string description, Func<ContainerMount, string> part, bool byDestination) =>
        registry.Add(name, ParamType.Charbuf, description, FieldArgumentMode.Required, FieldFlags.None, argument =>
        {
            if (argument is null)
            {
                throw new FieldArgumentException($"{name} requires a mount index or path pattern, e.g. {name}[0] or {name}[/var/run/docker.sock]");
            }
            if (argument.IsIndex)
            {
                int index = argument.Index;
                return (EventContext c, ref FieldValue v) =>
                    TryResolve(c, out ContainerInfo? info) && info is not null && index < info.Mounts.Count && Str(part(info.Mounts[index]), ref v);
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
            return (EventContext c, ref FieldValue v) =>
                TryResolve(c, out ContainerInfo? info) && info is not null && info.FindMount(pattern, byDestination) is { } mount && Str(part(mount), ref v);
        });
}
