using System.Net;
using Falconet.Dns;
using Falconet.Enforcement;
using Falconet.Rules.Loading;

namespace Falconet.Enforcement.Tests;

public sealed class EgressPolicyBuilderTests
{
    private static readonly string s_builtin = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "falconet_rules.yaml"));

    private static RuleSet Load(params (string Name, string Content)[] extra)
    {
        LoadResult result = RulesLoader.LoadText([("builtin.yaml", s_builtin), .. extra]);
        Assert.True(result.Success, result.ToText());
        return result.RuleSet;
    }

    [Fact]
    public void Builtin_rules_give_the_flagship_lists_and_the_outbound_macro_exclusions()
    {
        EgressPolicy policy = EgressPolicyBuilder.FromRules(Load(), [IPAddress.Parse("192.0.2.53")]);

        Assert.Equal([IPAddress.Parse("127.0.0.1"), IPAddress.Parse("8.8.8.8")], policy.AllowedAddresses);
        Assert.Equal([IPNetwork.Parse("127.0.0.0/8")], policy.AllowedNetworks); // 127.0.0.1/8 as the rule compares it
        Assert.Equal(["google.com", "www.yahoo.com"], policy.AllowedDomains.Select(d => d.Text));
        Assert.Contains(IPNetwork.Parse("10.0.0.0/8"), policy.NotOutboundNetworks);
        Assert.Contains(IPNetwork.Parse("fc00::/7"), policy.NotOutboundNetworks);
        Assert.Contains(IPNetwork.Parse("169.254.0.0/16"), policy.NotOutboundNetworks);
        Assert.Equal([IPAddress.Parse("169.254.169.254"), IPAddress.Parse("fd00:ec2::254")], policy.OutboundExceptions);
        Assert.Equal([IPAddress.Parse("192.0.2.53")], policy.Resolvers);
        Assert.Empty(policy.AuditOnly);
        Assert.Empty(policy.Warnings);
    }

    [Fact]
    public void Appended_lists_are_part_of_the_policy()
    {
        const string Appends = """
            - list: allowed_outbound_destination_ipaddrs
              items: ['"198.51.100.10"', '"2001:db8::10"']
              override:
                items: append
            - list: allowed_outbound_destination_networks
              items: ['"198.51.100.128/25"']
              override:
                items: append
            - list: allowed_outbound_destination_domains
              items: ["*.allowed.test", "**.deep.test"]
              override:
                items: append
            """;
        EgressPolicy policy = EgressPolicyBuilder.FromRules(Load(("learned.yaml", Appends)), []);

        Assert.Contains(IPAddress.Parse("198.51.100.10"), policy.AllowedAddresses);
        Assert.Contains(IPAddress.Parse("2001:db8::10"), policy.AllowedAddresses);
        Assert.Contains(IPNetwork.Parse("198.51.100.128/25"), policy.AllowedNetworks);
        Assert.Contains(policy.AllowedDomains, d => d.Kind == DomainPatternKind.SingleLabel && d.Name == "allowed.test");
        Assert.Contains(policy.AllowedDomains, d => d.Kind == DomainPatternKind.MultiLabel && d.Name == "deep.test");
    }

    [Fact]
    public void Destination_exceptions_are_decided_in_the_kernel_and_process_exceptions_are_audit_only()
    {
        const string Exceptions = """
            - rule: Unexpected outbound connection destination
              exceptions:
                - name: backup_server
                  fields: fd.sip
                  comps: in
                  values: ["198.51.100.77"]
                - name: partner_networks
                  fields: [fd.snet]
                  comps: [in]
                  values: [[["203.0.113.0/24"]]]
                - name: trusted_tool
                  fields: [proc.name, fd.sip]
                  values: [[curl, "198.51.100.99"]]
              override:
                exceptions: append
            """;
        EgressPolicy policy = EgressPolicyBuilder.FromRules(Load(("exceptions.yaml", Exceptions)), []);

        Assert.Contains(IPAddress.Parse("198.51.100.77"), policy.AllowedAddresses);
        Assert.Contains(IPNetwork.Parse("203.0.113.0/24"), policy.AllowedNetworks);
        Assert.DoesNotContain(IPAddress.Parse("198.51.100.99"), policy.AllowedAddresses);
        string auditOnly = Assert.Single(policy.AuditOnly);
        Assert.Contains("trusted_tool", auditOnly, StringComparison.Ordinal);
        Assert.Contains("proc.name", auditOnly, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_domain_patterns_are_warnings_not_entries()
    {
        // the rule loads them (with a load warning: they never match); the kernel gets nothing for them
        const string Bad = """
            - list: allowed_outbound_destination_domains
              items: ["www.*.com", "*"]
              override:
                items: append
            """;
        EgressPolicy policy = EgressPolicyBuilder.FromRules(Load(("bad.yaml", Bad)), []);

        Assert.Equal(2, policy.Warnings.Count);
        Assert.Contains(policy.Warnings, w => w.Contains("www.*.com", StringComparison.Ordinal));
        Assert.Equal(["google.com", "www.yahoo.com"], policy.AllowedDomains.Select(d => d.Text));
    }

    [Fact]
    public void Without_the_flagship_rule_enforcement_refuses()
    {
        LoadResult other = RulesLoader.LoadText("other.yaml", "- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n");
        Assert.True(other.Success, other.ToText());
        var e = Assert.Throws<EnforcementException>(() => EgressPolicyBuilder.FromRules(other.RuleSet, []));
        Assert.Contains(EgressPolicyBuilder.FlagshipRule, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1/8", "127.0.0.0/8")]
    [InlineData("198.51.100.7/24", "198.51.100.0/24")]
    [InlineData("2001:db8::1/32", "2001:db8::/32")]
    public void Network_host_bits_are_ignored(string text, string expected)
    {
        Assert.True(EgressPolicyBuilder.TryParseNetwork(text, out IPNetwork network));
        Assert.Equal(IPNetwork.Parse(expected), network);
    }

    [Theory]
    [InlineData("198.51.100.7")]
    [InlineData("198.51.100.0/33")]
    [InlineData("nope/8")]
    public void Bad_networks_do_not_parse(string text)
    {
        Assert.False(EgressPolicyBuilder.TryParseNetwork(text, out _));
    }
}
