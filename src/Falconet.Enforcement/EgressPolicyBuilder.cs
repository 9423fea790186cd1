using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Falconet.Dns;
using Falconet.Rules.Conditions;
using Falconet.Rules.Loading;

namespace Falconet.Enforcement;

/// <summary>
/// Derives the <see cref="EgressPolicy"/> from the loaded rules: the flagship rule's allowed lists (after appends and
/// overrides, learned lists included, since they are list appends), the lists of its <c>outbound</c> macro, and
/// those of its exceptions the kernel can decide.
/// </summary>
public static class EgressPolicyBuilder
{
    /// <summary>The flagship rule, whose allowlist is enforced.</summary>
    public const string FlagshipRule = "Unexpected outbound connection destination";

    /// <summary>Allowed addresses (<c>fd.sip in</c>).</summary>
    public const string AllowedAddressesList = "allowed_outbound_destination_ipaddrs";

    /// <summary>Allowed networks (<c>fd.snet in</c>).</summary>
    public const string AllowedNetworksList = "allowed_outbound_destination_networks";

    /// <summary>Allowed domains (<c>fd.sip.name in</c>).</summary>
    public const string AllowedDomainsList = "allowed_outbound_destination_domains";

    /// <summary>The outbound macro's private IPv4 networks.</summary>
    public const string Rfc1918List = "rfc_1918_addresses";

    /// <summary>The outbound macro's local IPv6 networks (built-in rules).</summary>
    public const string Ipv6LocalList = "falconet_ipv6_local_networks";

    /// <summary>The metadata addresses that stay outbound inside link-local networks (built-in rules).</summary>
    public const string MetadataList = "falconet_metadata_addresses";

    /// <summary>The resolvers whose port 53 is not outbound (built-in rules; filled from dns.servers or resolv.conf).</summary>
    public const string DnsServersList = "falconet_dns_servers";

    private static readonly HashSet<string> s_addressFields = new(StringComparer.Ordinal) { "fd.sip", "fd.rip" };
    private static readonly HashSet<string> s_networkFields = new(StringComparer.Ordinal) { "fd.snet", "fd.rnet" };
    private static readonly HashSet<string> s_domainFields = new(StringComparer.Ordinal) { "fd.sip.name", "fd.rip.name" };

    /// <summary>
    /// The policy of <paramref name="rules"/>; <paramref name="resolvers"/> are added to the rules' own resolver list.
    /// Throws <see cref="EnforcementException"/> when the flagship rule is not loaded.
    /// </summary>
    public static EgressPolicy FromRules(RuleSet rules, IEnumerable<IPAddress> resolvers)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(resolvers);
        CompiledRule rule = rules.FindRule(FlagshipRule)
            ?? throw new EnforcementException($"enforcement enforces the allowlist of the rule '{FlagshipRule}', which is not loaded");
        var warnings = new List<string>();
        var addresses = new List<IPAddress>();
        var networks = new List<IPNetwork>();
        var domains = new List<DomainPattern>();
        var auditOnly = new List<string>();
        string condition = rule.Info.Condition;
        if (UsedBy(condition, AllowedAddressesList))
        {
            AddAddresses(Items(rules, AllowedAddressesList), AllowedAddressesList, addresses, warnings);
        }
        if (UsedBy(condition, AllowedNetworksList))
        {
            AddNetworks(Items(rules, AllowedNetworksList), AllowedNetworksList, networks, warnings);
        }
        if (UsedBy(condition, AllowedDomainsList))
        {
            AddDomains(Items(rules, AllowedDomainsList), AllowedDomainsList, domains, warnings);
        }
        foreach (ExceptionInfo exception in rule.Info.Exceptions)
        {
            AddException(exception, addresses, networks, domains, auditOnly, warnings);
        }

        var notOutbound = new List<IPNetwork>();
        AddNetworks(Items(rules, Rfc1918List), Rfc1918List, notOutbound, warnings);
        AddNetworks(Items(rules, Ipv6LocalList), Ipv6LocalList, notOutbound, warnings);
        if (rules.Lists.Any(l => l.Name == Ipv6LocalList))
        {
            // the built-in macro's literal: IPv4 link-local stays on the link
            notOutbound.Add(IPNetwork.Parse("169.254.0.0/16"));
        }
        var holes = new List<IPAddress>();
        AddAddresses(Items(rules, MetadataList), MetadataList, holes, warnings);
        var dns = new List<IPAddress>(resolvers);
        AddAddresses(Items(rules, DnsServersList), DnsServersList, dns, warnings);
        return new EgressPolicy
        {
            AllowedAddresses = Distinct(addresses),
            AllowedNetworks = [.. networks.Distinct()],
            AllowedDomains = [.. domains.DistinctBy(d => (d.Kind, d.Name))],
            NotOutboundNetworks = [.. notOutbound.Distinct()],
            OutboundExceptions = Distinct(holes),
            Resolvers = Distinct(dns),
            AuditOnly = auditOnly,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// <c>a.b.c.d/len</c> or an IPv6 network; host bits of the text are ignored (<c>127.0.0.1/8</c> is 127.0.0.0/8),
    /// as the rule's own <c>fd.snet</c> comparison ignores them.
    /// </summary>
    public static bool TryParseNetwork(string text, out IPNetwork network) => NetworkLiteral.TryParse(text, out network);

    private static IPAddress[] Distinct(List<IPAddress> addresses) => [.. addresses.Distinct()];

    // A list the condition does not name is not part of the allowlist, whatever its name.
    private static bool UsedBy(string condition, string list) =>
        condition.Contains(list, StringComparison.Ordinal);

    private static IReadOnlyList<string> Items(RuleSet rules, string name) =>
        rules.Lists.LastOrDefault(l => l.Name == name)?.ExpandedItems ?? [];

    private static void AddException(ExceptionInfo exception, List<IPAddress> addresses, List<IPNetwork> networks,
        List<DomainPattern> domains, List<string> auditOnly, List<string> warnings)
    {
        string where = $"exception '{exception.Name}' of rule '{FlagshipRule}'";
        string? field = exception.Fields.IsList
            ? exception.Fields.Items.Count == 1 && !exception.Fields.Items[0].IsList ? exception.Fields.Items[0].Item : null
            : exception.Fields.Item;
        string comp = exception.Comps.IsList
            ? exception.Comps.Items.Count == 1 ? exception.Comps.Items[0].Item : ""
            : exception.Comps.IsValid ? exception.Comps.Item : "=";
        if (comp.Length == 0)
        {
            comp = "=";
        }
        bool decidable = field is not null && comp is "=" or "in"
            && (s_addressFields.Contains(field) || s_networkFields.Contains(field) || s_domainFields.Contains(field));
        if (!decidable)
        {
            string fields = exception.Fields.IsList
                ? string.Join(", ", exception.Fields.Items.Select(i => i.Item))
                : exception.Fields.Item;
            auditOnly.Add($"{where} (fields {fields}) cannot be decided in the kernel: it applies to alerts only");
            return;
        }
        var values = new List<string>();
        foreach (ExceptionEntry value in exception.Values)
        {
            Flatten(value, values);
        }
        if (s_addressFields.Contains(field!))
        {
            AddAddresses(values, where, addresses, warnings);
        }
        else if (s_networkFields.Contains(field!))
        {
            AddNetworks(values, where, networks, warnings);
        }
        else
        {
            AddDomains(values, where, domains, warnings);
        }
    }

    private static void Flatten(ExceptionEntry entry, List<string> into)
    {
        if (!entry.IsList)
        {
            into.Add(Unquote(entry.Item));
            return;
        }
        foreach (ExceptionEntry item in entry.Items)
        {
            Flatten(item, into);
        }
    }

    private static string Unquote(string text) =>
        text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : text;

    private static void AddAddresses(IEnumerable<string> items, string where, List<IPAddress> into, List<string> warnings)
    {
        foreach (string item in items)
        {
            if (IPAddress.TryParse(item, out IPAddress? address) && !item.Contains('/', StringComparison.Ordinal))
            {
                into.Add(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
            }
            else
            {
                warnings.Add($"{where}: '{item}' is not an IP address; not enforced");
            }
        }
    }

    private static void AddNetworks(IEnumerable<string> items, string where, List<IPNetwork> into, List<string> warnings)
    {
        foreach (string item in items)
        {
            if (TryParseNetwork(item, out IPNetwork network))
            {
                into.Add(network);
            }
            else
            {
                warnings.Add($"{where}: '{item}' is not a network (address/prefix); not enforced");
            }
        }
    }

    private static void AddDomains(IEnumerable<string> items, string where, List<DomainPattern> into, List<string> warnings)
    {
        foreach (string item in items)
        {
            if (DomainPattern.TryParse(item, out DomainPattern? pattern, out string? error))
            {
                into.Add(pattern);
            }
            else
            {
                warnings.Add($"{where}: {error}; not enforced");
            }
        }
    }
}
