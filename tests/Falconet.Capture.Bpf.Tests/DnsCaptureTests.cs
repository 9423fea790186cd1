using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Falconet.Core.Events;

namespace Falconet.Capture.Bpf.Tests;

/// <summary>
/// DNS observation in the kernel: receives on sockets with port 53 at either end are emitted with the DNS
/// snaplen, other receives of a dns-only syscall never reach the ring buffer. Needs root (port 53, eBPF).
/// </summary>
[Collection("live")]
public sealed unsafe class DnsCaptureTests
{
    private const ushort DnsPort = 53;
    private const ushort TypeRead = 7, TypeReadv = 117, TypeRecvfrom = 35, TypeConnect = 23;

    [Fact]
    public void Dns_replies_over_udp_and_tcp_arrive_whole_with_their_tuples()
    {
        LiveCaptureTests.SkipUnlessLive();
        using var server = new LoopbackDnsServer(300);
        using var capture = LiveCapture.Open(new LiveCaptureOptions { Syscalls = ["connect"], ObserveDns = true, SnapLen = 64 });
        int tid = Native.GetTid();
        byte[] dnsAddress = Native.Inet4(server.Address, DnsPort);

        // unconnected UDP: recvfrom; the peer comes from the socket's source address argument
        int udp = Native.Socket(Native.AfInet, Native.SockDgram, 0);
        byte[] buffer = new byte[1024];
        nint received = SendQueryAndReceive(udp, dnsAddress, buffer, connected: false);
        Assert.Equal(server.Reply.Length, (int)received);

        // connected UDP read (Go's resolver)
        int connectedUdp = Native.Socket(Native.AfInet, Native.SockDgram, 0);
        Assert.Equal(0, Connect(connectedUdp, dnsAddress));
        Assert.Equal(server.Reply.Length, (int)SendQueryAndReceive(connectedUdp, dnsAddress, buffer, connected: true));

        // TCP: the 2-byte length prefix, then the message, read with readv into two buffers
        int tcp = Native.Socket(Native.AfInet, Native.SockStream, 0);
        Assert.Equal(0, Connect(tcp, dnsAddress));
        byte[] stream = ReadvAll(tcp, 2 + server.Reply.Length);

        List<ScapEvent> events = LiveCaptureTests.Collect(capture, e => e.ThreadId == tid,
            kept => kept.Exists(e => e.Type == TypeRecvfrom) && kept.Exists(e => e.Type == TypeRead)
                && kept.Where(e => e.Type == TypeReadv).Sum(e => e.GetParam(2).Length) >= stream.Length);
        Native.Close(udp);
        Native.Close(connectedUdp);
        Native.Close(tcp);

        ScapEvent? recvfrom = events.Find(e => e.Type == TypeRecvfrom && e.GetInt64OrDefault(3) == udp);
        Assert.NotNull(recvfrom);
        Assert.Equal(server.Reply.Length, recvfrom.GetInt64OrDefault(0));
        Assert.Equal(server.Reply, recvfrom.GetParam(1).ToArray()); // whole, though the snaplen is 64
        AssertInboundFromDns(recvfrom.GetParam(2), server.Address);

        ScapEvent? read = events.Find(e => e.Type == TypeRead && e.GetInt64OrDefault(2) == connectedUdp);
        Assert.NotNull(read);
        Assert.Equal(server.Reply, read.GetParam(1).ToArray());
        Assert.Equal(buffer.Length, read.GetInt64OrDefault(3)); // size: what the caller asked for
        // read carries no tuple: state has it from the connect, which is emitted as usual
        ScapEvent? connect = events.Find(e => e.Type == TypeConnect && e.GetInt64OrDefault(2) == connectedUdp);
        Assert.NotNull(connect);
        ReadOnlySpan<byte> outbound = connect.GetParam(1);
        Assert.Equal(server.Address.GetAddressBytes(), outbound[7..11].ToArray());
        Assert.Equal(DnsPort, BinaryPrimitives.ReadUInt16LittleEndian(outbound[11..]));

        List<ScapEvent> readvs = events.FindAll(e => e.Type == TypeReadv && e.GetInt64OrDefault(3) == tcp);
        Assert.NotEmpty(readvs);
        Assert.Equal(stream, readvs.SelectMany(e => e.GetParam(2).ToArray()).ToArray());
        Assert.Equal(2 + server.Reply.Length, BinaryPrimitives.ReadUInt16BigEndian(stream) + 2);
        Assert.Equal(2 + buffer.Length, readvs[0].GetInt64OrDefault(1)); // size: both iovecs
    }

    [Fact]
    public void Dns_only_reads_skip_pipes_and_other_ports()
    {
        LiveCaptureTests.SkipUnlessLive();
        using var server = new LoopbackDnsServer(300);
        using var capture = LiveCapture.Open(new LiveCaptureOptions { Syscalls = ["connect"], ObserveDns = true });
        int tid = Native.GetTid();
        using var other = new NonDnsReads();

        // a DNS read afterwards: once it is seen, anything the earlier reads emitted would have been too
        int marker = Native.Socket(Native.AfInet, Native.SockDgram, 0);
        Assert.Equal(0, Connect(marker, Native.Inet4(server.Address, DnsPort)));
        byte[] buffer = new byte[1024];
        Assert.Equal(server.Reply.Length, (int)SendQueryAndReceive(marker, Native.Inet4(server.Address, DnsPort), buffer, connected: true));
        List<ScapEvent> events = LiveCaptureTests.Collect(capture, e => e.ThreadId == tid,
            kept => kept.Exists(e => e.Type == TypeRead && e.GetInt64OrDefault(2) == marker));
        Native.Close(marker);

        Assert.Contains(events, e => e.Type == TypeRead && e.GetInt64OrDefault(2) == marker);
        Assert.DoesNotContain(events, e => e.Type == TypeRead && e.GetInt64OrDefault(2) == other.PipeRead);
        Assert.DoesNotContain(events, e => e.Type == TypeRead && e.GetInt64OrDefault(2) == other.OtherPort);
    }

    [Fact]
    public void In_all_mode_every_read_is_emitted_and_dns_reads_keep_the_dns_snaplen()
    {
        LiveCaptureTests.SkipUnlessLive();
        using var server = new LoopbackDnsServer(300);
        using var capture = LiveCapture.Open(new LiveCaptureOptions { Syscalls = ["read"], ObserveDns = true, SnapLen = 64 });
        int tid = Native.GetTid();
        using var other = new NonDnsReads();
        int dns = Native.Socket(Native.AfInet, Native.SockDgram, 0);
        Assert.Equal(0, Connect(dns, Native.Inet4(server.Address, DnsPort)));
        byte[] buffer = new byte[1024];
        SendQueryAndReceive(dns, Native.Inet4(server.Address, DnsPort), buffer, connected: true);
        List<ScapEvent> events = LiveCaptureTests.Collect(capture, e => e.ThreadId == tid && e.Type == TypeRead,
            kept => kept.Exists(e => e.GetInt64OrDefault(2) == dns));
        Native.Close(dns);

        ScapEvent? pipe = events.Find(e => e.GetInt64OrDefault(2) == other.PipeRead);
        Assert.NotNull(pipe);
        Assert.Equal(100, pipe.GetInt64OrDefault(0));
        Assert.Equal(64, pipe.GetParam(1).Length); // the ordinary snaplen
        Assert.Equal(64, events.Find(e => e.GetInt64OrDefault(2) == other.OtherPort)?.GetParam(1).Length);
        Assert.Equal(server.Reply, events.Find(e => e.GetInt64OrDefault(2) == dns)?.GetParam(1).ToArray());
    }

    /// <summary>
    /// 100 bytes through a pipe and 100 through a UDP socket on an ephemeral port, each read with read(). The fds
    /// stay open until disposed, so no later socket of the test reuses their numbers.
    /// </summary>
    private sealed class NonDnsReads : IDisposable
    {
        private readonly int _pipeWrite;
        private readonly UdpClient _receiver = new(new IPEndPoint(IPAddress.Loopback, 0));

        public NonDnsReads()
        {
            byte[] data = new byte[100];
            Random.Shared.NextBytes(data);
            int* fds = stackalloc int[2];
            Assert.Equal(0, Native.Pipe(fds));
            (PipeRead, _pipeWrite) = (fds[0], fds[1]);
            fixed (byte* d = data)
            {
                Assert.Equal(100, (int)Native.Write(_pipeWrite, d, 100));
                Assert.Equal(100, (int)Native.Read(PipeRead, d, 100));
            }
            using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            sender.Send(data, data.Length, (IPEndPoint)_receiver.Client.LocalEndPoint!);
            OtherPort = (int)_receiver.Client.Handle;
            fixed (byte* d = data)
            {
                Assert.Equal(100, (int)Native.Read(OtherPort, d, 100));
            }
        }

        public int PipeRead { get; }

        public int OtherPort { get; }

        public void Dispose()
        {
            Native.Close(PipeRead);
            Native.Close(_pipeWrite);
            _receiver.Dispose();
        }
    }

    private static int Connect(int fd, byte[] address)
    {
        fixed (byte* a = address)
        {
            return Native.Connect(fd, a, address.Length);
        }
    }

    /// <summary>Sends a query and receives the reply: recvfrom with a source address, or read on a connected socket.</summary>
    private static nint SendQueryAndReceive(int fd, byte[] address, byte[] buffer, bool connected)
    {
        byte[] query = [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        byte[] from = new byte[16];
        int fromLength = from.Length;
        fixed (byte* q = query)
        fixed (byte* a = address)
        fixed (byte* b = buffer)
        fixed (byte* f = from)
        {
            Assert.Equal(query.Length, (int)Native.SendTo(fd, q, (nuint)query.Length, 0, connected ? null : a, connected ? 0 : address.Length));
            return connected ? Native.Read(fd, b, (nuint)buffer.Length) : Native.RecvFrom(fd, b, (nuint)buffer.Length, 0, f, &fromLength);
        }
    }

    /// <summary>Reads <paramref name="length"/> bytes from a stream with readv into a 2-byte and a 1024-byte buffer.</summary>
    private static byte[] ReadvAll(int fd, int length)
    {
        var result = new List<byte>();
        byte[] prefix = new byte[2], body = new byte[1024];
        fixed (byte* p = prefix)
        fixed (byte* b = body)
        {
            Native.IoVec* iov = stackalloc Native.IoVec[2];
            iov[0] = new Native.IoVec { Base = p, Length = 2 };
            iov[1] = new Native.IoVec { Base = b, Length = 1024 };
            while (result.Count < length)
            {
                int n = (int)Native.Readv(fd, iov, 2);
                Assert.True(n > 0, $"readv returned {n}");
                result.AddRange(prefix.AsSpan(0, Math.Min(n, 2)));
                result.AddRange(body.AsSpan(0, Math.Max(0, n - 2)));
            }
        }
        return [.. result];
    }

    private static void AssertInboundFromDns(ReadOnlySpan<byte> tuple, IPAddress server)
    {
        Assert.Equal(13, tuple.Length);
        Assert.Equal(Native.AfInet, tuple[0]);
        Assert.Equal(server.GetAddressBytes(), tuple[1..5].ToArray()); // inbound: remote first
        Assert.Equal(DnsPort, BinaryPrimitives.ReadUInt16LittleEndian(tuple[5..]));
        Assert.NotEqual(0, BinaryPrimitives.ReadUInt16LittleEndian(tuple[11..]));
    }

    /// <summary>
    /// Answers every UDP datagram on port 53 with a fixed reply, and every TCP connection with the reply behind a
    /// 2-byte length prefix. 127.0.0.1 when port 53 is free there, else another loopback address.
    /// </summary>
    private sealed class LoopbackDnsServer : IDisposable
    {
        private readonly Socket _udp;
        private readonly Socket _tcp;
        private readonly Thread _udpThread;
        private readonly Thread _tcpThread;

        public LoopbackDnsServer(int replyLength)
        {
            Reply = new byte[replyLength];
            Random.Shared.NextBytes(Reply);
            foreach (string candidate in new[] { "127.0.0.1", "127.1.2.3", "127.45.53.53" })
            {
                var address = IPAddress.Parse(candidate);
                var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    udp.Bind(new IPEndPoint(address, DnsPort));
                    tcp.Bind(new IPEndPoint(address, DnsPort));
                    tcp.Listen(4);
                    (Address, _udp, _tcp) = (address, udp, tcp);
                    break;
                }
                catch (SocketException)
                {
                    udp.Dispose();
                    tcp.Dispose();
                }
            }
            if (_udp is null || _tcp is null || Address is null)
            {
                throw new InvalidOperationException("no loopback address has port 53 free");
            }
            _udpThread = new Thread(ServeUdp) { IsBackground = true };
            _tcpThread = new Thread(ServeTcp) { IsBackground = true };
            _udpThread.Start();
            _tcpThread.Start();
        }

        public IPAddress Address { get; }

        public byte[] Reply { get; }

        public void Dispose()
        {
            _udp.Dispose();
            _tcp.Dispose();
            _udpThread.Join(TimeSpan.FromSeconds(5));
            _tcpThread.Join(TimeSpan.FromSeconds(5));
        }

        private void ServeUdp()
        {
            byte[] query = new byte[512];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            try
            {
                while (true)
                {
                    _udp.ReceiveFrom(query, ref from);
                    _udp.SendTo(Reply, from);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // disposed: the test is over
            }
        }

        private void ServeTcp()
        {
            byte[] framed = new byte[2 + Reply.Length];
            BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)Reply.Length);
            Reply.CopyTo(framed, 2);
            try
            {
                while (true)
                {
                    using Socket client = _tcp.Accept();
                    client.Send(framed);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // disposed: the test is over
            }
        }
    }
}
