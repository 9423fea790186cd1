using Falconet.Core.Events;
using Falconet.State;

namespace Falconet.Fields;

/// <summary>
/// The container.* fields Falconet answers itself for the container plugin. Only what the cgroups tell is known:
/// the id ("host" outside containers). Metadata fields are registered only where Falco's recorded output shows
/// the host value: <c>container.image.repository</c> is "" for host processes. Metadata of real containers
/// needs a container runtime client and is absent until one exists.
/// </summary>
internal static class ContainerFields
{
    private const string Host = "host";

    public static void Register(FieldRegistry registry)
    {
        registry.Add("container.id", ParamType.Charbuf, "The container id (12 characters); \"host\" for processes outside containers.",
            (EventContext c, ref FieldValue v) => ProcessFields.Str(c.Thread is null ? null : c.Thread.ContainerId.Length > 0 ? c.Thread.ContainerId : Host, ref v));
        registry.Add("container.image.repository", ParamType.Charbuf,
            "The container image repository, without tag; empty for processes outside containers, absent for containers (no runtime metadata yet).",
            (EventContext c, ref FieldValue v) => ProcessFields.Str(c.Thread is { ContainerId.Length: 0 } ? "" : null, ref v));
    }
}
