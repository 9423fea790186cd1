using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Falconet.Dns;

namespace Falconet.Dns.Tests;

public sealed class ResolverTests
{
    [Fact]
    public void Resolv_conf_nameserver_lines_are_read_in_order()
    {
        IReadOnlyList<IPEndPoint> servers = ResolvConf.ParseNameservers("# c\nsearch x\nnameserver 198.51.100.53\nnameserver  2001:db8::53 # v6\nnameserver bogus\nnameservers 1.2.3.4\n");
        Assert.Equal([new IPEndPoint(IPAddress.Parse("198.51.100.53"), 53), new IPEndPoint(IPAddress.Parse("2001:db8::53"), 53)], servers);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 53)], ResolvConf.ParseNameservers("search x\n"));
    }

    [Fact]
    public void Query_built_by_the_writer_reads_back_as_a_question()
    {
        byte[] q = new byte[512];
        int length = DnsMessageWriter.WriteQuery(q, 77, "Api.Allowed.Test", DnsRecordType.Aaaa);
        var reader = new DnsMessageReader(q.AsSpan(0, length));
        Assert.False(reader.Header.IsResponse);
        Assert.Equal(77, reader.Header.Id);
        Span<byte> name = stackalloc byte[DnsMessageReader.MaxNameLength];
        Assert.True(reader.TryReadQuestion(name, out DnsQuestion question));
        Assert.Equal("api.allowed.test", System.Text.Encoding.ASCII.GetString(name[..question.NameLength]));
        Assert.Equal(DnsRecordType.Aaaa, question.Type);
    }

    [Fact]
    public async Task Resolves_listed_names_from_a_loopback_server_into_every_scope()
    {
        using var server = new TableDnsServer(new Dictionary<string, string>
        {
            ["api.allowed.test"] = "198.51.100.20",
            ["other.test"] = "198.51.100.21",
        });
        var store = new DnsObservationStore();
        var lines = new List<string>();
        using var resolver = new DnsResolver(["api.allowed.test", "Other.Test.", "missing.test"], store, new DnsResolverOptions
        {
            Servers = [server.EndPoint],
            QueryTimeout = TimeSpan.FromSeconds(2),
            Log = line => { lock (lines) { lines.Add(line); } },
            EventClockNs = () => 1_000,
        });
        resolver.Start();
        Assert.True(resolver.WaitForFirstAnswers(TimeSpan.FromSeconds(30)));
        await Task.Yield();
        Assert.True(store.HasName("some-container", DnsAddress.Parse("198.51.100.20"), "api.allowed.test", 2_000));
        Assert.Equal("other.test", store.FirstName(DnsObservationStore.HostScope, DnsAddress.Parse("198.51.100.21"), 2_000));
        Assert.False(store.HasName("c", DnsAddress.Parse("198.51.100.21"), "api.allowed.test", 2_000));
        Assert.Equal(2, resolver.Successes);
        Assert.Equal(1, resolver.Failures);
        lock (lines)
        {
            Assert.Single(lines);
            Assert.Contains("missing.test", lines[0]);
            Assert.Contains("NXDOMAIN", lines[0]);
        }
    }

    [Fact]
    public void A_silent_server_with_1000_names_returns_at_the_timeout_and_logs_each_name_once()
    {
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = (IPEndPoint)silent.Client.LocalEndPoint!;
        string[] names = Enumerable.Range(0, 1000).Select(i => $"n{i}.silent.test").ToArray();
        long logLines = 0;
        using var resolver = new DnsResolver(names, new DnsObservationStore(), new DnsResolverOptions
        {
            Servers = [endpoint],
            QueryTimeout = TimeSpan.FromMilliseconds(200),
            MaxConcurrentLookups = 256,
            Log = _ => Interlocked.Increment(ref logLines),
        });
        resolver.Start();
        var watch = Stopwatch.StartNew();
        Assert.False(resolver.WaitForFirstAnswers(TimeSpan.FromMilliseconds(300)));
        // Bounded generously: the wait returned at its timeout, not after 1000 lookups in a row.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"waited {watch.Elapsed}");
        Assert.True(resolver.WaitForFirstAnswers(TimeSpan.FromSeconds(60)));
        Assert.Equal(1000, resolver.Failures);
        Assert.Equal(1000, Interlocked.Read(ref logLines));
        Assert.Equal(0, resolver.Successes);
    }
}

/// <summary>A DNS server on a random loopback port that answers A queries from a table and NXDOMAIN otherwise.</summary>
internal sealed class TableDnsServer : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly Dictionary<string, string> _table;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public TableDnsServer(Dictionary<string, string> table)
    {
        _table = table;
        _loop = Task.Run(ServeAsync);
    }

    public IPEndPoint EndPoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

    private async Task ServeAsync()
    {
        byte[] name = new byte[DnsMessageReader.MaxNameLength];
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await _udp.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            byte[] answer = Answer(request.Buffer, name);
            await _udp.SendAsync(answer, request.RemoteEndPoint);
        }
    }

    private byte[] Answer(byte[] query, byte[] nameBuffer)
    {
        var reader = new DnsMessageReader(query);
        if (!reader.TryReadQuestion(nameBuffer, out DnsQuestion q))
        {
            return [];
        }
        string name = System.Text.Encoding.ASCII.GetString(nameBuffer, 0, q.NameLength);
        bool known = _table.TryGetValue(name, out string? address);
        bool answers = known && q.Type == DnsRecordType.A;
        byte[] buffer = new byte[512];
        var w = new DnsMessageWriter(buffer);
        w.WriteHeader(new DnsHeader(reader.Header.Id, (ushort)(Messages.ResponseFlags | (known ? 0 : 3)), 1, answers ? (ushort)1 : (ushort)0, 0, 0));
        w.WriteQuestion(name, q.Type);
        if (answers)
        {
            w.WriteAddressForQuestion(DnsAddress.Parse(address!), 120);
        }
        return w.Written.ToArray();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _udp.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
