using Falconet.Dns;

namespace Falconet.Dns.Tests;

public sealed class DomainPatternTests
{
    [Theory]
    [InlineData("example.com", "example.com", true)]
    [InlineData("example.com", "EXAMPLE.com.", true)]
    [InlineData("example.com.", "example.com", true)]
    [InlineData("example.com", "a.example.com", false)]
    [InlineData("*.example.com", "a.example.com", true)]
    [InlineData("*.example.com", "A.Example.Com.", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "a.b.example.com", false)]
    [InlineData("*.example.com", "aexample.com", false)]
    [InlineData("**.example.com", "a.example.com", true)]
    [InlineData("**.example.com", "a.b.example.com", true)]
    [InlineData("**.example.com", "example.com", false)]
    [InlineData("**.example.com", "badexample.com", false)]
    public void Pattern_and_set_agree_on_cilium_matchpattern_meaning(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, DomainPattern.Parse(pattern).Matches(name));
        Assert.Equal(expected, DomainPatternSet.Parse([pattern]).Matches(name));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("**")]
    [InlineData("a.*.com")]
    [InlineData("a*.example.com")]
    [InlineData("a..com")]
    [InlineData(".example.com")]
    [InlineData("")]
    [InlineData("*.")]
    [InlineData("exa mple.com")]
    public void Malformed_patterns_are_errors_that_name_the_pattern(string pattern)
    {
        Assert.False(DomainPattern.TryParse(pattern, out _, out string? error));
        Assert.Contains($"'{pattern}'", error);
        FormatException e = Assert.Throws<FormatException>(() => DomainPatternSet.Parse(["ok.example", pattern]));
        Assert.Contains($"'{pattern}'", e.Message);
    }

    [Fact]
    public void A_large_set_answers_by_hash_for_each_kind()
    {
        var patterns = new List<string>();
        for (int i = 0; i < 1000; i++)
        {
            patterns.Add($"host{i}.exact.test");
            patterns.Add($"*.one{i}.test");
            patterns.Add($"**.many{i}.test");
        }
        DomainPatternSet set = DomainPatternSet.Parse(patterns);
        Assert.Equal(3000, set.Patterns.Count);
        Assert.True(set.Matches("host999.exact.test"));
        Assert.False(set.Matches("x.host999.exact.test"));
        Assert.True(set.Matches("api.one500.test"));
        Assert.False(set.Matches("a.api.one500.test"));
        Assert.True(set.Matches("a.b.c.many7.test"));
        Assert.False(set.Matches("many7.test"));
        Assert.False(set.Matches("nothing.test"));
        Assert.False(set.Matches(""));
    }

    [Fact]
    public void Empty_set_matches_nothing()
    {
        DomainPatternSet set = DomainPatternSet.Parse([]);
        Assert.True(set.IsEmpty);
        Assert.False(set.Matches("example.com"));
    }
}
