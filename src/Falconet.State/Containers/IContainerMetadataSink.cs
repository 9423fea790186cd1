namespace Falconet.State.Containers;

/// <summary>Receives container metadata from a source; thread-safe, applied between events.</summary>
public interface IContainerMetadataSink
{
    /// <summary>Adds or replaces a container's metadata (keyed by its short id).</summary>
    void Post(ContainerInfo container);

    /// <summary>Forgets a container that has stopped.</summary>
    void PostRemoval(string containerId);
}
