using System.Buffers.Binary;
using Falconet.Dns;

namespace Falconet.Benchmarks;

/// <summary>Answers with unique names (<c>nXXXXXXXX.bench.test</c>) and rotating addresses, rewritten in place in one buffer.</summary>
// Shared with the Dns tests (linked there), so the bound test and the benchmark feed the same answers.
internal sealed class UniqueAnswerFeed
{
    private const ushort ResponseFlags = 0x8180;
    private readonly byte[] _buffer = new byte[128];
    private readonly int _nameAt;
    private readonly int _addressAt;
    private readonly int _length;
    private uint _next;

    public UniqueAnswerFeed()
    {
        var w = new DnsMessageWriter(_buffer);
        w.WriteHeader(new DnsHeader(1, ResponseFlags, 1, 1, 0, 0));
        w.WriteQuestion("n00000000.bench.test", DnsRecordType.A);
        w.WriteAddressForQuestion(DnsAddress.FromIPv4(0x0A00_0000), 300);
        _length = w.Length;
        _nameAt = DnsHeader.Length + 2;
        _addressAt = _length - 4;
    }

    /// <summary>The next answer; valid until the next call.</summary>
    public ReadOnlySpan<byte> Next()
    {
        uint n = _next++;
        for (int i = 7; i >= 0; i--)
        {
            _buffer[_nameAt + i] = (byte)"0123456789abcdef"[(int)(n & 0xF)];
            n >>= 4;
        }
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_addressAt), 0x0A00_0000 | (_next & 0x00FF_FFFF));
        return _buffer.AsSpan(0, _length);
    }

    /// <summary>A typical CDN answer: www.example.com CNAME edge.example.net, then its AAAA record.</summary>
    public static byte[] CnameAnswer()
    {
        byte[] buffer = new byte[256];
        var w = new DnsMessageWriter(buffer);
        w.WriteHeader(new DnsHeader(2, ResponseFlags, 1, 2, 0, 0));
        w.WriteQuestion("www.example.com", DnsRecordType.Aaaa);
        w.WriteCname("www.example.com", "edge.example.net", 300);
        w.WriteAddress("edge.example.net", DnsAddress.Parse("2001:db8::2004"), 299);
        return w.Written.ToArray();
    }
}
