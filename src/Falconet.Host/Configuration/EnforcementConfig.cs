using Falconet.Enforcement;

namespace Falconet.Host.Configuration;

/// <summary>
/// The <c>enforcement</c> section: <c>mode</c> (off, audit, enforce), <c>cgroups</c> (cgroup v2 directories, absolute
/// or relative to the cgroup v2 mount; default the mount itself, the whole host), <c>pin_links</c> (enforcement
/// outlives Falconet) and <c>dns_min_ttl_s</c> (shortest admission of an allowed name's address).
/// </summary>
public static class EnforcementConfig
{
    /// <summary>Reads the section; a bad value is a <see cref="ConfigException"/> naming the key.</summary>
    public static EnforcementOptions Read(ConfigTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        string mode = tree.GetString("enforcement.mode", "off")!;
        long minTtl = tree.GetInt64("enforcement.dns_min_ttl_s", 10);
        if (minTtl is < 0 or > 86_400)
        {
            throw new ConfigException($"configuration key enforcement.dns_min_ttl_s: {minTtl} is outside 0..86400");
        }
        return new EnforcementOptions
        {
            Mode = mode switch
            {
                "off" => EnforcementMode.Off,
                "audit" => EnforcementMode.Audit,
                "enforce" => EnforcementMode.Enforce,
                _ => throw new ConfigException($"configuration key enforcement.mode: '{mode}' is not one of off, audit, enforce"),
            },
            Cgroups = tree.GetStringList("enforcement.cgroups"),
            PinLinks = tree.GetBool("enforcement.pin_links", false),
            DnsMinTtl = TimeSpan.FromSeconds(minTtl),
        };
    }
}
