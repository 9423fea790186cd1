using Falconet.Dns;

namespace Falconet.Dns.Tests;

public sealed class DnsTcpFramingTests
{
    private static byte[] Framed(params byte[][] messages)
    {
        var bytes = new List<byte>();
        foreach (byte[] m in messages)
        {
            bytes.Add((byte)(m.Length >> 8));
            bytes.Add((byte)m.Length);
            bytes.AddRange(m);
        }
        return [.. bytes];
    }

    [Fact]
    public void One_read_with_two_messages_and_a_partial_third()
    {
        byte[] a = Messages.A("a.test", "192.0.2.1");
        byte[] b = Messages.A("b.test", "192.0.2.2");
        byte[] stream = Framed(a, b, a);
        ReadOnlySpan<byte> buffer = stream.AsSpan(0, stream.Length - 5);
        Assert.True(DnsTcpFraming.TryReadMessage(ref buffer, out ReadOnlySpan<byte> first, out _));
        Assert.True(first.SequenceEqual(a));
        Assert.True(DnsTcpFraming.TryReadMessage(ref buffer, out ReadOnlySpan<byte> second, out _));
        Assert.True(second.SequenceEqual(b));
        Assert.False(DnsTcpFraming.TryReadMessage(ref buffer, out _, out ReadOnlySpan<byte> partial));
        Assert.Equal(a.Length + 2 - 5, partial.Length);
        Assert.Equal(DnsParseStatus.Truncated, new DnsResponse().Parse(partial[DnsTcpFraming.PrefixLength..]));
    }

    [Fact]
    public void Reassembler_delivers_every_message_whatever_the_read_sizes()
    {
        byte[] a = Messages.A("a.test", "192.0.2.1");
        byte[] b = Messages.CnameChain("192.0.2.2");
        byte[] stream = Framed(a, b, a);
        foreach (int chunk in (int[])[1, 2, 3, 7, 50, stream.Length])
        {
            var reassembler = new DnsTcpReassembler();
            var seen = new List<byte[]>();
            for (int i = 0; i < stream.Length; i += chunk)
            {
                reassembler.Append(stream.AsSpan(i, Math.Min(chunk, stream.Length - i)), seen, static (m, list) => list.Add(m.ToArray()));
            }
            Assert.Equal(3, seen.Count);
            Assert.Equal(a, seen[0]);
            Assert.Equal(b, seen[1]);
            Assert.Equal(a, seen[2]);
            Assert.Equal(0, reassembler.PendingLength);
        }
    }
}
