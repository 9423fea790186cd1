namespace Falconet.Learn;

/// <summary>One entry of the learned file and the observed connections it allows.</summary>
internal sealed class LearnedEntry(EntryKind kind, ScopeKey scope, int? port, string value, IReadOnlyList<ObservedDestination> sources)
{
    public const string DomainsList = "allowed_outbound_destination_domains";
    public const string AddressesList = "allowed_outbound_destination_ipaddrs";
    public const string NetworksList = "allowed_outbound_destination_networks";

    public EntryKind Kind { get; } = kind;
    public ScopeKey Scope { get; } = scope;
    /// <summary>The server port, for scoped entries (exceptions); null for the host-wide lists, which have no port.</summary>
    public int? Port { get; } = port;
    /// <summary>The name, wildcard, address or CIDR.</summary>
    public string Value { get; } = value;
    public IReadOnlyList<ObservedDestination> Sources { get; } = sources;

    public ulong FirstNs => Sources.Min(s => s.FirstNs);
    public ulong LastNs => Sources.Max(s => s.LastNs);
    public long Count => Sources.Sum(s => s.Count);
    public IEnumerable<string> Processes => Sources.SelectMany(s => s.Processes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
    public IEnumerable<string> Images => Sources.SelectMany(s => s.Images).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    public string ListName => Kind switch
    {
        EntryKind.Domain => DomainsList,
        EntryKind.Address => AddressesList,
        _ => NetworksList,
    };

    /// <summary>The field an exception compares the destination with.</summary>
    public string DestinationField => Kind switch
    {
        EntryKind.Domain => "fd.sip.name",
        EntryKind.Address => "fd.sip",
        _ => "fd.snet",
    };

    /// <summary>The exception's fields: the workload's, the destination's, the port.</summary>
    public string[] ExceptionFields => [.. Scope.Fields, DestinationField, "fd.sport"];

    /// <summary>The same text for an entry read back from a file (<c>--diff</c>).</summary>
    public string DiffKey => Port is null
        ? $"{ListName}: {Value}"
        : $"[{string.Join(", ", ExceptionFields)}]: [{string.Join(", ", [.. Scope.Values, Value, Port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)])}]";
}
