namespace Falconet.State.Containers;

/// <summary>A container metadata record that cannot be read; the message says where and why.</summary>
public sealed class ContainerMetadataException(string message, Exception? inner = null) : Exception(message, inner);
