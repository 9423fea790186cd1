namespace Falconet.Core.Snapshot;

/// <summary>
/// The SCAP_L4_* numbers of an fd's layer-4 protocol, as FDL records carry them and <c>fd.l4proto</c> names them;
/// the state engine and the /proc snapshot both use these.
/// </summary>
public static class ScapL4Protocol
{
    /// <summary>SCAP_L4_UNKNOWN.</summary>
    public const byte Unknown = 0;

    /// <summary>SCAP_L4_NA: not a network socket.</summary>
    public const byte Na = 1;

    /// <summary>SCAP_L4_TCP.</summary>
    public const byte Tcp = 2;

    /// <summary>SCAP_L4_UDP.</summary>
    public const byte Udp = 3;

    /// <summary>SCAP_L4_ICMP.</summary>
    public const byte Icmp = 4;

    /// <summary>SCAP_L4_RAW.</summary>
    public const byte Raw = 5;
}
