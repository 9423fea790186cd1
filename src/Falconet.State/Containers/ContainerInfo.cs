using System.Text;

namespace Falconet.State.Containers;

/// <summary>
/// What is known about one container: the container plugin's metadata record. Immutable once built; the
/// derived strings the fields print (mounts, labels) are computed once, on first use, so extraction does not
/// allocate per event.
/// </summary>
public sealed class ContainerInfo
{
    private static readonly IReadOnlyDictionary<string, string> s_noLabels = new SortedDictionary<string, string>(StringComparer.Ordinal);

    private string? _mountsText;
    private string? _labelsText;
    private string? _podSandboxLabelsText;
    private string? _podSandboxShortId;

    /// <summary>
    /// The entry processes outside containers resolve to (thread container id ""): id, full id and name "host",
    /// type host, every other string empty and every flag false, as the container plugin's host entry.
    /// </summary>
    public static ContainerInfo Host { get; } = new() { Id = "host", FullId = "host", Name = "host", Type = ContainerType.Host };

    /// <summary>Short id (12 characters), the table key.</summary>
    public string Id { get; init; } = "";

    /// <summary>Full (64-character) id.</summary>
    public string FullId { get; init; } = "";

    /// <summary>The container engine.</summary>
    public ContainerType Type { get; init; } = ContainerType.Unknown;

    /// <summary>Container name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Image as the container was started with it (<c>repo:tag</c> or an id).</summary>
    public string Image { get; init; } = "";

    /// <summary>Image id.</summary>
    public string ImageId { get; init; } = "";

    /// <summary>Image repository.</summary>
    public string ImageRepository { get; init; } = "";

    /// <summary>Image tag.</summary>
    public string ImageTag { get; init; } = "";

    /// <summary>Image digest.</summary>
    public string ImageDigest { get; init; } = "";

    /// <summary>Primary IPv4 address as a string, "" when unknown.</summary>
    public string Ip { get; init; } = "";

    /// <summary>The CNI result JSON of the pod (CRI engines), unparsed.</summary>
    public string CniJson { get; init; } = "";

    /// <summary>The user the container runs as (not exposed as a field by the container plugin).</summary>
    public string User { get; init; } = "";

    /// <summary>Runs privileged.</summary>
    public bool Privileged { get; init; }

    /// <summary>Shares the host pid namespace.</summary>
    public bool HostPid { get; init; }

    /// <summary>Shares the host network namespace.</summary>
    public bool HostNetwork { get; init; }

    /// <summary>Shares the host IPC namespace.</summary>
    public bool HostIpc { get; init; }

    /// <summary>Is a Kubernetes pod sandbox (pause) container.</summary>
    public bool IsPodSandbox { get; init; }

    /// <summary>Full id of the pod sandbox (Kubernetes), "" outside pods.</summary>
    public string PodSandboxId { get; init; } = "";

    /// <summary>Creation time in seconds since the epoch, 0 when unknown.</summary>
    public long CreatedTime { get; init; }

    /// <summary>The mounts, in the runtime's order.</summary>
    public IReadOnlyList<ContainerMount> Mounts { get; init; } = [];

    /// <summary>Container labels, ordered by key (ordinal), as the plugin's map.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = s_noLabels;

    /// <summary>Labels of the pod sandbox (Kubernetes pod labels), ordered by key.</summary>
    public IReadOnlyDictionary<string, string> PodSandboxLabels { get; init; } = s_noLabels;

    /// <summary>The <c>container.type</c> text: the engine name, "" for custom, static and unknown engines.</summary>
    public string TypeName => TypeNameOf(Type);

    /// <summary>The first 12 characters of <see cref="PodSandboxId"/>.</summary>
    public string PodSandboxShortId => _podSandboxShortId ??= PodSandboxId.Length > 12 ? PodSandboxId[..12] : PodSandboxId;

    /// <summary><c>container.mounts</c>: every mount in the <see cref="ContainerMount.ToString"/> form, comma separated.</summary>
    public string MountsText => _mountsText ??= string.Join(',', Mounts.Select(m => m.Text));

    /// <summary><c>container.labels</c>: <c>key:value</c> pairs joined by ", ", without annotations and io.kubernetes.* labels.</summary>
    public string LabelsText => _labelsText ??= JoinLabels(Labels);

    /// <summary><c>k8s.pod.labels</c> for this container's own pod sandbox labels.</summary>
    public string PodSandboxLabelsText => _podSandboxLabelsText ??= JoinLabels(PodSandboxLabels);

    /// <summary>The <c>container.type</c> text of an engine: its name, "" for custom, static and unknown engines.</summary>
    public static string TypeNameOf(ContainerType type) => type switch
    {
        ContainerType.Docker => "docker",
        ContainerType.Lxc => "lxc",
        ContainerType.LibvirtLxc => "libvirt-lxc",
        ContainerType.Mesos => "mesos",
        ContainerType.Cri => "cri",
        ContainerType.Containerd => "containerd",
        ContainerType.CriO => "cri-o",
        ContainerType.Rkt => "rkt",
        ContainerType.Bpm => "bpm",
        ContainerType.Podman => "podman",
        ContainerType.Host => "host",
        _ => "",
    };

    /// <summary>Creates a label map ordered the way the plugin orders (and prints) labels.</summary>
    public static IReadOnlyDictionary<string, string> SortedLabels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> label in labels)
        {
            sorted[label.Key] = label.Value;
        }
        return sorted;
    }

    /// <summary>The first mount whose source (or destination) the pattern finds a match in; null when none.</summary>
    public ContainerMount? FindMount(System.Text.RegularExpressions.Regex pattern, bool byDestination)
    {
        // Indexed: enumerating an IReadOnlyList allocates an enumerator, and this runs per event.
        IReadOnlyList<ContainerMount> mounts = Mounts;
        for (int i = 0; i < mounts.Count; i++)
        {
            ContainerMount mount = mounts[i];
            if (pattern.IsMatch(byDestination ? mount.Destination : mount.Source))
            {
                return mount;
            }
        }
        return null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Id} {Name} ({TypeName})";

    private static string JoinLabels(IReadOnlyDictionary<string, string> labels)
    {
        var sb = new StringBuilder();
        // Sorted here too: a metadata source may hand over an unordered dictionary.
        foreach (KeyValuePair<string, string> label in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            // Annotations and the runtime's own io.kubernetes.* bookkeeping are not user labels.
            if (label.Key.StartsWith("annotation.", StringComparison.Ordinal) || label.Key.StartsWith("io.kubernetes.", StringComparison.Ordinal))
            {
                continue;
            }
            if (sb.Length > 0)
            {
                sb.Append(", ");
            }
            sb.Append(label.Key);
            if (label.Value.Length > 0)
            {
                sb.Append(':').Append(label.Value);
            }
        }
        return sb.ToString();
    }
}
