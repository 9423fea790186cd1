using System.Net;

namespace Falconet.Learn;

/// <summary>Every outbound connection of one workload to one server address and port, with the name it resolved.</summary>
internal sealed class ObservedDestination(ScopeKey scope, IPAddress address, int port, string? name)
{
    public ScopeKey Scope { get; } = scope;
    public IPAddress Address { get; } = address;
    public int Port { get; } = port;
    /// <summary>The name the workload resolved the address from (observed DNS), if any.</summary>
    public string? Name { get; } = name;
    /// <summary>Connections the loaded flagship rule matched (would alert on); evaluated on each one.</summary>
    public long Alerting { get; set; }

    /// <summary>Whether the loaded rules allowed every one of its connections.</summary>
    public bool AlreadyAllowed => Alerting == 0;

    public ulong FirstNs { get; set; }
    public ulong LastNs { get; set; }
    public long Count { get; set; }
    public SortedSet<string> Processes { get; } = new(StringComparer.Ordinal);
    public SortedSet<string> Images { get; } = new(StringComparer.Ordinal);
    public string Example { get; set; } = "";

    /// <summary>What learning made of it, for the summary table.</summary>
    public string Decision { get; set; } = "";

    public string Endpoint => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}
