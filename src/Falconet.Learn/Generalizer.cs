using System.Net;
using System.Net.Sockets;

namespace Falconet.Learn;

/// <summary>
/// Turns observed destinations into allowlist entries, per workload (and per port when scoped). Names win over
/// addresses: a connection whose server address the workload resolved is allowed by that name. Sibling names
/// under one parent become <c>*.parent</c> once there are <see cref="LearnRequest.MinSiblings"/> of them, unless
/// the parent is a public suffix or wildcards are off (<c>--compat falco</c>). Addresses without a name collapse
/// into the smallest network covering them once that many share a network of the configured prefix, never wider.
/// </summary>
internal sealed class Generalizer(PublicSuffixList suffixes, int minSiblings, int ipv4Prefix, int ipv6Prefix, bool wildcards)
{
    public List<LearnedEntry> Generalize(IEnumerable<ObservedDestination> destinations)
    {
        var entries = new List<LearnedEntry>();
        foreach (IGrouping<(string, int?), ObservedDestination> group in destinations
            .Where(d => !d.AlreadyAllowed)
            .GroupBy(d => (d.Scope.Id, d.Scope.Fields.Length == 0 ? (int?)null : d.Port)))
        {
            ScopeKey scope = group.First().Scope;
            int? port = group.Key.Item2;
            AddDomains(entries, scope, port, [.. group.Where(d => d.Name is not null)]);
            AddAddresses(entries, scope, port, [.. group.Where(d => d.Name is null)]);
        }
        foreach (ObservedDestination allowed in destinations.Where(d => d.AlreadyAllowed))
        {
            allowed.Decision = "already allowed";
        }
        return [.. entries
            .OrderBy(e => e.Scope.FieldSet, StringComparer.Ordinal)
            .ThenBy(e => e.Kind)
            .ThenBy(e => e.Scope.Id, StringComparer.Ordinal)
            .ThenBy(e => e.Port)
            .ThenBy(e => e.Value, StringComparer.Ordinal)];
    }

    private void AddDomains(List<LearnedEntry> entries, ScopeKey scope, int? port, List<ObservedDestination> named)
    {
        Dictionary<string, List<ObservedDestination>> byName = named.GroupBy(d => d.Name!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var covered = new HashSet<string>(StringComparer.Ordinal);
        if (wildcards)
        {
            foreach (IGrouping<string, string> siblings in byName.Keys.Where(n => n.Contains('.', StringComparison.Ordinal))
                .GroupBy(n => n[(n.IndexOf('.', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal))
            {
                // Never above a registrable domain: *.co.uk or *.com would allow names nobody observed.
                if (siblings.Count() < minSiblings || suffixes.IsPublicSuffix(siblings.Key))
                {
                    continue;
                }
                string pattern = "*." + siblings.Key;
                List<ObservedDestination> sources = [.. siblings.SelectMany(n => byName[n])];
                foreach (ObservedDestination d in sources)
                {
                    d.Decision = "wildcard " + pattern;
                }
                entries.Add(new LearnedEntry(EntryKind.Domain, scope, port, pattern, sources));
                covered.UnionWith(siblings);
            }
        }
        foreach ((string name, List<ObservedDestination> sources) in byName)
        {
            if (covered.Contains(name))
            {
                continue;
            }
            foreach (ObservedDestination d in sources)
            {
                d.Decision = "domain " + name;
            }
            entries.Add(new LearnedEntry(EntryKind.Domain, scope, port, name, sources));
        }
    }

    private void AddAddresses(List<LearnedEntry> entries, ScopeKey scope, int? port, List<ObservedDestination> unnamed)
    {
        foreach (IGrouping<IPNetwork, ObservedDestination> bucket in unnamed.GroupBy(d => Bucket(d.Address)))
        {
            IPAddress[] addresses = [.. bucket.Select(d => d.Address).Distinct()];
            int full = bucket.Key.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
            if (addresses.Length >= minSiblings && bucket.Key.PrefixLength < full)
            {
                IPNetwork network = Covering(addresses);
                string text = network.ToString();
                foreach (ObservedDestination d in bucket)
                {
                    d.Decision = "network " + text;
                }
                entries.Add(new LearnedEntry(EntryKind.Network, scope, port, text, [.. bucket]));
                continue;
            }
            foreach (IGrouping<IPAddress, ObservedDestination> one in bucket.GroupBy(d => d.Address))
            {
                foreach (ObservedDestination d in one)
                {
                    d.Decision = "address " + one.Key;
                }
                entries.Add(new LearnedEntry(EntryKind.Address, scope, port, one.Key.ToString(), [.. one]));
            }
        }
    }

    private IPNetwork Bucket(IPAddress address)
    {
        int prefix = address.AddressFamily == AddressFamily.InterNetworkV6 ? ipv6Prefix : ipv4Prefix;
        return new IPNetwork(Mask(address, prefix), prefix);
    }

    /// <summary>The smallest network holding every address (all in one bucket, so at most as wide as its prefix).</summary>
    internal static IPNetwork Covering(IReadOnlyList<IPAddress> addresses)
    {
        byte[] first = addresses[0].GetAddressBytes();
        int prefix = first.Length * 8;
        foreach (IPAddress other in addresses.Skip(1))
        {
            byte[] bytes = other.GetAddressBytes();
            int same = 0;
            while (same < prefix && Bit(first, same) == Bit(bytes, same))
            {
                same++;
            }
            prefix = same;
        }
        return new IPNetwork(Mask(addresses[0], prefix), prefix);
    }

    private static int Bit(byte[] bytes, int index) => (bytes[index / 8] >> (7 - (index % 8))) & 1;

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int i = 0; i < bytes.Length * 8; i++)
        {
            if (i >= prefix)
            {
                bytes[i / 8] &= (byte)~(1 << (7 - (i % 8)));
            }
        }
        return new IPAddress(bytes);
    }
}
