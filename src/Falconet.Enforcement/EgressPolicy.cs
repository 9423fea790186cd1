using System.Net;
using Falconet.Dns;

namespace Falconet.Enforcement;

/// <summary>
/// What the kernel decides with: the destinations the flagship rule allows (addresses, networks, domain patterns),
/// the destinations its <c>outbound</c> macro leaves out (never decided), the resolvers (port 53 exempt, their answers
/// trusted), and what of the rule the kernel cannot decide. Built from a rule set by <see cref="EgressPolicyBuilder"/>.
/// </summary>
public sealed class EgressPolicy
{
    /// <summary>Allowed destination addresses, any port.</summary>
    public IReadOnlyList<IPAddress> AllowedAddresses { get; init; } = [];

    /// <summary>Allowed destination networks.</summary>
    public IReadOnlyList<IPNetwork> AllowedNetworks { get; init; } = [];

    /// <summary>Allowed domain names and wildcards: their addresses are admitted when a resolver's answer arrives.</summary>
    public IReadOnlyList<DomainPattern> AllowedDomains { get; init; } = [];

    /// <summary>Networks that are not outbound (private, link-local): never decided. Loopback and unspecified always are.</summary>
    public IReadOnlyList<IPNetwork> NotOutboundNetworks { get; init; } = [];

    /// <summary>Addresses inside <see cref="NotOutboundNetworks"/> that are outbound after all (the metadata services).</summary>
    public IReadOnlyList<IPAddress> OutboundExceptions { get; init; } = [];

    /// <summary>The DNS resolvers: port 53 to them is never decided, and only their answers admit addresses.</summary>
    public IReadOnlyList<IPAddress> Resolvers { get; init; } = [];

    /// <summary>
    /// Parts of the rule the kernel cannot decide (exceptions on process or container fields, tuples): they still apply
    /// to the rule's alerts, but the kernel ignores them, so in enforce mode what they except is blocked.
    /// </summary>
    public IReadOnlyList<string> AuditOnly { get; init; } = [];

    /// <summary>List items that were skipped (not an address, network or domain pattern), one line each.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
