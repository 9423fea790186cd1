namespace Falconet.State.Containers;

/// <summary>
/// Where container metadata comes from in live capture: a container runtime client (docker, containerd/CRI,
/// podman …) that a later component implements. Capture files carry their own container events instead.
/// </summary>
public interface IContainerMetadataSource
{
    /// <summary>
    /// Asks for the metadata of a container first seen in a process's cgroups. Called on the event path, so it
    /// must not block: the source answers later, from any thread, through <paramref name="sink"/>. Until it does,
    /// the container's processes have their id and no other metadata (fields absent), as with the plugin's
    /// lookup delays.
    /// </summary>
    void Request(string containerId, IContainerMetadataSink sink);
}
