using System.Net;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.Dns;

namespace Falconet.Learn.Tests;

/// <summary>
/// Writes synthetic captures of outbound traffic with the project's ScapWriter: processes on the host (192.0.2.5)
/// look names up at the resolver 192.0.2.53 (UDP connect, then the answer by recvfrom, so observed DNS names the
/// address) and connect over TCP, by name or by address. Documentation and benchmark ranges only.
/// </summary>
public sealed class EgressCapture
{
    public const string LocalIp = "192.0.2.5";
    public const string ResolverIp = "192.0.2.53";
    private const ulong Start = 1_764_000_000_000_000_000;

    private readonly List<ScapEvent> _events = [];
    private readonly Dictionary<string, long> _pids = new(StringComparer.Ordinal);
    private long _nextFd = 10;
    private ushort _nextPort = 30000;
    private ushort _dnsId = 1;

    private long Pid(string process)
    {
        if (!_pids.TryGetValue(process, out long pid))
        {
            pid = 3000 + _pids.Count;
            _pids.Add(process, pid);
        }
        return pid;
    }

    private ushort LocalPort() => _nextPort = (ushort)(_nextPort >= 60000 ? 30000 : _nextPort + 1);

    /// <summary><paramref name="process"/> resolves <paramref name="name"/> to <paramref name="ip"/> and connects to it.</summary>
    public EgressCapture ConnectByName(string process, string name, string ip, int port = 443)
    {
        long pid = Pid(process);
        long fd = _nextFd++;
        ushort local = LocalPort();
        byte[] buffer = new byte[512];
        var writer = new DnsMessageWriter(buffer);
        writer.WriteHeader(new DnsHeader(_dnsId++, 0x8180, 1, 1, 0, 0));
        writer.WriteQuestion(name, DnsRecordType.A);
        writer.WriteAddressForQuestion(DnsAddress.Parse(ip), 3600);
        byte[] answer = writer.Written.ToArray();
        _events.Add(EventBuilder.SocketExit(0, pid, fd, domain: 2, type: 2, proto: 17));
        _events.Add(EventBuilder.ConnectExitV4(0, pid, fd, LocalIp, local, ResolverIp, 53));
        _events.Add(EventBuilder.Create(35, 0, pid).Errno(answer.Length).Raw(answer)
            .SockTupleV4(ResolverIp, 53, LocalIp, local).Fd(fd).UInt32(512).Build());
        _events.Add(EventBuilder.CloseExit(0, pid, fd));
        return ConnectByAddress(process, ip, port);
    }

    /// <summary><paramref name="process"/> connects to <paramref name="ip"/> without a lookup.</summary>
    public EgressCapture ConnectByAddress(string process, string ip, int port = 443)
    {
        long pid = Pid(process);
        long fd = _nextFd++;
        _events.Add(EventBuilder.SocketExit(0, pid, fd, domain: 2, type: 1));
        _events.Add(EventBuilder.ConnectExitV4(0, pid, fd, LocalIp, LocalPort(), ip, (ushort)port));
        _events.Add(EventBuilder.CloseExit(0, pid, fd));
        return this;
    }

    public int Events => _events.Count;

    public void Write(string path)
    {
        using ScapWriter writer = ScapWriter.Create(path, compress: false);
        var snapshot = new ScapSnapshot { Machine = new MachineInfo(2, 4UL << 30, 4_194_304, "falconet-learn-test", Start - 3_600_000_000_000) };
        snapshot.Interfaces.Add(new InterfaceAddress("lo", IPAddress.Loopback, IPAddress.Parse("255.0.0.0"), IPAddress.Any, 0));
        snapshot.Interfaces.Add(new InterfaceAddress("eth0", IPAddress.Parse(LocalIp), IPAddress.Parse("255.255.255.0"), IPAddress.Parse("192.0.2.255"), 1000));
        snapshot.Users.Add(new UserRecord(0, 0, "root", "/root", "/bin/bash"));
        snapshot.Groups.Add(new GroupRecord(0, "root"));
        snapshot.Threads.Add(new ThreadRecord { Tid = 1, Pid = 1, ParentTid = 0, Comm = "systemd", Exe = "/sbin/init", ExePath = "/usr/lib/systemd/systemd", Cwd = "/", FdLimit = 1024 });
        foreach ((string process, long pid) in _pids)
        {
            snapshot.Threads.Add(new ThreadRecord
            {
                Tid = pid, Pid = pid, ParentTid = 1, Comm = process, Exe = process, ExePath = "/usr/bin/" + process, Cwd = "/",
                Vtid = pid, Vpid = pid, FdLimit = 1_000_000,
            });
        }
        writer.WriteHeader(snapshot);
        ulong ts = Start;
        foreach (ScapEvent e in _events)
        {
            e.Timestamp = ts += 1_000;
            writer.WriteEvent(e);
        }
    }

    /// <summary>
    /// The benchmark capture (docs/performance.md): 10,000 destinations from one process: the resolver, 6,000 names
    /// (600 parents under example.org, 10 names each, on 198.18.0.0/16) and 3,999 addresses by address
    /// (198.19.0.0/20, 250 per /24).
    /// </summary>
    public static EgressCapture TenThousandDestinations()
    {
        var capture = new EgressCapture();
        for (int i = 0; i < 6000; i++)
        {
            capture.ConnectByName("fetcher", $"h{i % 10}.svc{i / 10}.example.org", $"198.18.{i / 250}.{(i % 250) + 1}");
        }
        for (int i = 0; i < 3999; i++)
        {
            capture.ConnectByAddress("fetcher", $"198.19.{i / 250}.{(i % 250) + 1}");
        }
        return capture;
    }
}
