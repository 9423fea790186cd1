using Falconet.Dns;

namespace Falconet.Dns.Tests;

/// <summary>Hand-built DNS messages for the tests and the corpus.</summary>
internal static class Messages
{
    public const ushort ResponseFlags = 0x8180;

    /// <summary>A response to <paramref name="question"/> with the records <paramref name="write"/> adds.</summary>
    public static byte[] Response(string question, ushort qtype, ushort answers, WriteRecords write, ushort flags = ResponseFlags)
    {
        byte[] buffer = new byte[2048];
        var w = new DnsMessageWriter(buffer);
        w.WriteHeader(new DnsHeader(0x1234, flags, 1, answers, 0, 0));
        w.WriteQuestion(question, qtype);
        write(ref w);
        return w.Written.ToArray();
    }

    public delegate void WriteRecords(ref DnsMessageWriter writer);

    public static byte[] A(string name, string address, uint ttl = 300) =>
        Response(name, DnsRecordType.A, 1, (ref DnsMessageWriter w) => w.WriteAddressForQuestion(DnsAddress.Parse(address), ttl));

    /// <summary>www.example.com CNAME edge.example.net CNAME e1.cdn.example → address.</summary>
    public static byte[] CnameChain(string address, uint ttl = 300) =>
        Response("www.example.com", DnsRecordType.A, 3, (ref DnsMessageWriter w) =>
        {
            w.WriteCname("www.example.com", "edge.example.net", ttl);
            w.WriteCname("edge.example.net", "e1.cdn.example", 60);
            w.WriteAddress("e1.cdn.example", DnsAddress.Parse(address), ttl);
        });

    /// <summary>An answer whose owner name is a pointer to itself.</summary>
    public static byte[] SelfPointerLoop()
    {
        byte[] m = A("loop.example", "192.0.2.1");
        int answer = DnsHeader.Length + "loop.example".Length + 2 + 4;
        m[answer] = (byte)(0xC0 | (answer >> 8));
        m[answer + 1] = (byte)answer;
        return m;
    }

    /// <summary>Two pointers that point at each other: the question name points forward into the answer, which points back.</summary>
    public static byte[] MutualPointerLoop()
    {
        byte[] buffer = new byte[256];
        var w = new DnsMessageWriter(buffer);
        w.WriteHeader(new DnsHeader(7, ResponseFlags, 1, 1, 0, 0));
        // Question name: a pointer to offset 18, which is the answer's owner name, a pointer back to 12.
        w.WritePointer(18);
        w.WriteBytes([0, 1, 0, 1]);
        w.WritePointer(12);
        w.WriteBytes([0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7]);
        return w.Written.ToArray();
    }
}
