using Falconet.Dns;
using Falconet.TestKit;

namespace Falconet.Dns.Tests;

/// <summary>
/// The corpus of small DNS answers in Corpus/ (the seeds of the parser's fuzz target). The files are made by
/// <see cref="Generate"/>; set FALCONET_WRITE_DNS_CORPUS=1 to rewrite them after changing it. Each file's name says the
/// status its parse must end with.
/// </summary>
public sealed class CorpusTests
{
    private static IEnumerable<(string File, byte[] Bytes)> Generate()
    {
        byte[] chain = Messages.CnameChain("192.0.2.44");
        yield return ("ok-a.bin", Messages.A("api.allowed.test", "198.51.100.20"));
        yield return ("ok-aaaa.bin", Messages.Response("v6.test", DnsRecordType.Aaaa, 1, (ref DnsMessageWriter w) => w.WriteAddressForQuestion(DnsAddress.Parse("2001:db8::1"), 60)));
        yield return ("ok-cname-chain.bin", chain);
        yield return ("pointerloop-self.bin", Messages.SelfPointerLoop());
        yield return ("pointerloop-mutual.bin", Messages.MutualPointerLoop());
        yield return ("truncated-cname-chain.bin", chain[..^3]);
        yield return ("notresponse-query.bin", Query());
    }

    private static byte[] Query()
    {
        byte[] q = new byte[512];
        return q[..DnsMessageWriter.WriteQuery(q, 1, "example.com", DnsRecordType.A)];
    }

    private static string SourceFolder => Path.Combine(SharedData.RepositoryRoot, "tests", "Falconet.Dns.Tests", "Corpus");

    [Fact]
    public void Corpus_files_are_what_the_generator_makes()
    {
        bool write = Environment.GetEnvironmentVariable("FALCONET_WRITE_DNS_CORPUS") == "1";
        foreach ((string file, byte[] bytes) in Generate())
        {
            string path = Path.Combine(SourceFolder, file);
            if (write)
            {
                File.WriteAllBytes(path, bytes);
            }
            Assert.True(File.Exists(path), $"{file} is missing: run the tests once with FALCONET_WRITE_DNS_CORPUS=1");
            Assert.Equal(bytes, File.ReadAllBytes(path));
        }
    }

    [Fact]
    public void Every_corpus_file_parses_to_the_status_its_name_says()
    {
        string[] files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.bin");
        Assert.NotEmpty(files);
        Assert.Contains(files, f => Path.GetFileName(f).StartsWith("pointerloop", StringComparison.Ordinal));
        var response = new DnsResponse();
        foreach (string file in files)
        {
            string prefix = Path.GetFileName(file).Split('-')[0];
            DnsParseStatus expected = Enum.Parse<DnsParseStatus>(prefix, ignoreCase: true);
            Assert.Equal(expected, response.Parse(File.ReadAllBytes(file)));
        }
    }
}
