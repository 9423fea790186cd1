namespace Falconet.State.Containers;

/// <summary>One mount of a container, as the runtime reports it.</summary>
public sealed class ContainerMount(string source, string destination, string mode, bool readWrite, string propagation)
{
    private string? _text;

    /// <summary>The host path (or volume) mounted.</summary>
    public string Source { get; } = source;

    /// <summary>Where it is mounted in the container.</summary>
    public string Destination { get; } = destination;

    /// <summary>The mount mode as the runtime reports it (e.g. <c>ro</c>, <c>z</c>).</summary>
    public string Mode { get; } = mode;

    /// <summary>Whether the mount is writable.</summary>
    public bool ReadWrite { get; } = readWrite;

    /// <summary>Mount propagation (<c>private</c>, <c>rslave</c>, …).</summary>
    public string Propagation { get; } = propagation;

    /// <summary>The <c>container.mount</c> form, <c>source:dest:mode:rdwr:propagation</c>; built once.</summary>
    public string Text => _text ??= $"{Source}:{Destination}:{Mode}:{(ReadWrite ? "true" : "false")}:{Propagation}";

    /// <inheritdoc />
    public override string ToString() => Text;
}
