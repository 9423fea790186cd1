namespace Falconet.State.Containers;

/// <summary>
/// The container engines, numbered as in capture files' container JSON (<c>"type"</c>) and in
/// <c>PPME_CONTAINER_E</c>'s type parameter.
/// </summary>
public enum ContainerType : ushort
{
    /// <summary>Docker.</summary>
    Docker = 0,

    /// <summary>LXC.</summary>
    Lxc = 1,

    /// <summary>libvirt LXC.</summary>
    LibvirtLxc = 2,

    /// <summary>Mesos.</summary>
    Mesos = 3,

    /// <summary>rkt.</summary>
    Rkt = 4,

    /// <summary>A custom engine.</summary>
    Custom = 5,

    /// <summary>A CRI runtime.</summary>
    Cri = 6,

    /// <summary>containerd.</summary>
    Containerd = 7,

    /// <summary>CRI-O.</summary>
    CriO = 8,

    /// <summary>BOSH process manager.</summary>
    Bpm = 9,

    /// <summary>A static container (configured, not discovered).</summary>
    Static = 10,

    /// <summary>Podman.</summary>
    Podman = 11,

    /// <summary>The host itself (processes in no container).</summary>
    Host = 0xfffe,

    /// <summary>Not known.</summary>
    Unknown = 0xffff,
}
