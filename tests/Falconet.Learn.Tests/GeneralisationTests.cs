using System.Text.RegularExpressions;
using Falconet.TestKit;
using YamlDotNet.RepresentationModel;

namespace Falconet.Learn.Tests;

/// <summary>
/// Generalisation on synthetic captures: names over addresses, *.parent at three sibling names but never at a public
/// suffix, addresses into networks no wider than the configured prefix, and --compat falco's plain Falco syntax.
/// </summary>
public sealed partial class GeneralisationTests
{
    private static EgressCapture Names() => new EgressCapture()
        .ConnectByName("curl", "a.example.com", "198.51.100.101")
        .ConnectByName("curl", "b.example.com", "198.51.100.102")
        .ConnectByName("curl", "c.example.com", "198.51.100.103")
        .ConnectByName("curl", "x.two.example.net", "198.51.100.111")
        .ConnectByName("curl", "y.two.example.net", "198.51.100.112")
        .ConnectByName("curl", "a.s3.amazonaws.com", "198.51.100.121")
        .ConnectByName("curl", "b.s3.amazonaws.com", "198.51.100.122")
        .ConnectByName("curl", "c.s3.amazonaws.com", "198.51.100.123")
        .ConnectByName("curl", "a.co.uk", "198.51.100.131")
        .ConnectByName("curl", "b.co.uk", "198.51.100.132")
        .ConnectByName("curl", "c.co.uk", "198.51.100.133");

    private static string[] Items(string text, string list)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        var root = (YamlSequenceNode)yaml.Documents[0].RootNode;
        YamlMappingNode node = root.OfType<YamlMappingNode>().Single(m => m.Children.TryGetValue(new YamlScalarNode("list"), out YamlNode? n) && n.ToString() == list);
        return [.. ((YamlSequenceNode)node.Children[new YamlScalarNode("items")]).OfType<YamlScalarNode>().Select(s => s.Value!)];
    }

    [Fact]
    public void Sibling_names_become_a_wildcard_below_a_registrable_domain_only()
    {
        using var temp = new TempDirectory();
        string capture = temp.File("names.scap");
        Names().Write(capture);
        string learned = temp.File("learned.yaml");
        string text = LearnRun.LearnFile(learned, "-e", capture);

        string[] domains = Items(text, "allowed_outbound_destination_domains");
        Assert.Equal(
            ["*.example.com", "a.co.uk", "a.s3.amazonaws.com", "b.co.uk", "b.s3.amazonaws.com", "c.co.uk", "c.s3.amazonaws.com", "x.two.example.net", "y.two.example.net"],
            domains.Order(StringComparer.Ordinal));
        // Names win: no address of a resolved name is listed; the resolver (by address only) is.
        Assert.Equal(["\"192.0.2.53\""], Items(text, "allowed_outbound_destination_ipaddrs"));
        Assert.Contains("names a.example.com b.example.com c.example.com", text, StringComparison.Ordinal);
        LearnRun.AssertValid(learned);
        Assert.Empty(LearnRun.FlagshipAlerts(capture, learned));

        // The wildcard is the one generalisation: a fourth sibling is allowed, a name one level deeper is not.
        string later = temp.File("later.scap");
        new EgressCapture().ConnectByName("curl", "d.example.com", "198.51.100.104").ConnectByName("curl", "deep.d.example.com", "198.51.100.105").Write(later);
        Assert.Equal(["198.51.100.105"], LearnRun.FlagshipAlerts(later, learned).Select(a => ServerOf(a)));
    }

    [Fact]
    public void A_higher_threshold_keeps_exact_names()
    {
        using var temp = new TempDirectory();
        string capture = temp.File("names.scap");
        Names().Write(capture);
        string text = LearnRun.LearnFile(temp.File("learned.yaml"), "-e", capture, "--min-siblings", "4");
        Assert.DoesNotContain("*", Items(text, "allowed_outbound_destination_domains").Aggregate("", string.Concat), StringComparison.Ordinal);
        Assert.Contains("a.example.com", Items(text, "allowed_outbound_destination_domains"));
    }

    private static string ServerOf(System.Text.Json.JsonElement alert)
    {
        string name = LearnRun.Field(alert, "fd.name");
        string server = name[(name.IndexOf("->", StringComparison.Ordinal) + 2)..];
        return server[..server.LastIndexOf(':')];
    }

    [Fact]
    public void Addresses_collapse_into_networks_no_wider_than_the_prefix()
    {
        using var temp = new TempDirectory();
        string capture = temp.File("addresses.scap");
        new EgressCapture()
            .ConnectByAddress("curl", "198.51.100.1").ConnectByAddress("curl", "198.51.100.2").ConnectByAddress("curl", "198.51.100.3")
            .ConnectByAddress("curl", "203.0.113.9").ConnectByAddress("curl", "203.0.113.200")
            .ConnectByAddress("curl", "198.18.100.1").ConnectByAddress("curl", "198.18.101.1").ConnectByAddress("curl", "198.18.102.1")
            .Write(capture);

        string text = LearnRun.LearnFile(temp.File("learned.yaml"), "-e", capture);
        Assert.Equal(["\"198.51.100.0/30\""], Items(text, "allowed_outbound_destination_networks"));
        Assert.Equal(["\"198.18.100.1\"", "\"198.18.101.1\"", "\"198.18.102.1\"", "\"203.0.113.200\"", "\"203.0.113.9\""],
            Items(text, "allowed_outbound_destination_ipaddrs").Order(StringComparer.Ordinal));
        Assert.Contains("addresses 198.51.100.1 198.51.100.2 198.51.100.3", text, StringComparison.Ordinal);

        string wider = LearnRun.LearnFile(temp.File("wider.yaml"), "-e", capture, "--ipv4-prefix", "16");
        Assert.Equal(["\"198.18.100.0/22\"", "\"198.51.100.0/30\""], Items(wider, "allowed_outbound_destination_networks").Order(StringComparer.Ordinal));
        LearnRun.AssertValid(temp.File("wider.yaml"));
        Assert.Empty(LearnRun.FlagshipAlerts(capture, temp.File("wider.yaml")));
    }

    private static readonly HashSet<string> s_itemKeys = ["list", "items", "override", "rule", "exceptions"];
    private static readonly HashSet<string> s_exceptionKeys = ["name", "fields", "comps", "values"];

    [GeneratedRegex(@"^([A-Za-z0-9._:/-]+|=)$")]
    private static partial Regex PlainValue();

    /// <summary>Only keys and operators Falco 0.44 documents, and no value with a wildcard character.</summary>
    private static void AssertPlainFalco(string text)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        foreach (YamlMappingNode item in ((YamlSequenceNode)yaml.Documents[0].RootNode).OfType<YamlMappingNode>())
        {
            foreach ((YamlNode key, YamlNode value) in item.Children)
            {
                Assert.Contains(key.ToString(), s_itemKeys);
                if (key.ToString() == "override")
                {
                    Assert.All(((YamlMappingNode)value).Children, kv => Assert.Equal("append", kv.Value.ToString()));
                }
                if (key.ToString() == "exceptions")
                {
                    foreach (YamlMappingNode exception in ((YamlSequenceNode)value).OfType<YamlMappingNode>())
                    {
                        Assert.All(exception.Children.Keys, k => Assert.Contains(k.ToString(), s_exceptionKeys));
                        Assert.All((YamlSequenceNode)exception.Children[new YamlScalarNode("comps")], c => Assert.Equal("=", c.ToString()));
                    }
                }
            }
        }
        foreach (YamlScalarNode scalar in yaml.Documents[0].AllNodes.OfType<YamlScalarNode>())
        {
            string value = scalar.Value!.Trim('"');
            Assert.True(PlainValue().IsMatch(value) || value.StartsWith("Unexpected outbound", StringComparison.Ordinal), $"not a plain value: {scalar.Value}");
        }
    }

    [Theory]
    [InlineData("host")]
    [InlineData("process")]
    public void Compat_falco_writes_plain_falco_syntax_without_wildcards(string scope)
    {
        using var temp = new TempDirectory();
        string capture = temp.File("names.scap");
        Names().Write(capture);
        string learned = temp.File("learned.yaml");
        string text = LearnRun.LearnFile(learned, "-e", capture, "--compat", "falco", "--scope", scope);

        Assert.DoesNotContain("*", text.Split('\n').Where(l => !l.TrimStart().StartsWith('#')).Aggregate("", string.Concat), StringComparison.Ordinal);
        Assert.Contains("a.example.com", text, StringComparison.Ordinal);
        AssertPlainFalco(text);
        LearnRun.AssertValid(learned);
        ProcessResult strict = FalconetProcess.Run("-V", "<builtin>", "-V", learned, "--compat", "falco");
        Assert.True(strict.ExitCode == 0, strict.ToString());
    }
}
