using System.Net;
using System.Text.Json;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.Scap;

namespace Falconet.Host.Tests;

/// <summary>
/// The built-in egress rule's defaults (docs/egress.md): IPv6 link-local and unique-local are local like RFC 1918,
/// IPv4 link-local is local except the metadata service, and DNS to the machine's resolvers is not an alert.
/// </summary>
public sealed class EgressDefaultsTests
{
    private const long Tid = 3001;

    private static IEnumerable<ScapEvent> Connects()
    {
        long fd = 3;
        foreach ((string local, string remote, ushort port) in new[]
        {
            ("fe80::5", "fe80::1", (ushort)443),           // IPv6 link-local: local
            ("fd00:1::5", "fd12:3456::1", (ushort)443),    // unique-local: local
            ("169.254.7.5", "169.254.10.10", (ushort)80),  // IPv4 link-local: local
            ("169.254.7.5", "169.254.169.254", (ushort)80), // metadata service: outbound
            ("2001:db8::5", "fd00:ec2::254", (ushort)80),   // IPv6 metadata service: outbound
            ("192.0.2.5", "198.51.100.53", (ushort)53),     // DNS: a resolver only when configured as one
        })
        {
            bool v6 = remote.Contains(':', StringComparison.Ordinal);
            yield return EventBuilder.SocketExit(0, Tid, fd, domain: v6 ? 10u : 2u, type: 1);
            yield return v6
                ? EventBuilder.Create(23, 0, Tid).Errno(0).SockTupleV6(local, 40000, remote, port).Fd(fd).SockAddrV6(remote, port).Build()
                : EventBuilder.ConnectExitV4(0, Tid, fd, local, 40000, remote, port);
            fd++;
        }
    }

    private static string WriteCapture()
    {
        string path = Path.Combine(Path.GetTempPath(), "falconet-egress-" + Guid.NewGuid().ToString("N") + ".scap");
        var snapshot = new ScapSnapshot { Machine = new MachineInfo(2, 4UL << 30, 4096, "egress-test", 1) };
        snapshot.Interfaces.Add(new InterfaceAddress("lo", IPAddress.Loopback, IPAddress.Parse("255.0.0.0"), IPAddress.Any, 0));
        snapshot.Interfaces.Add(new InterfaceAddress("eth0", IPAddress.Parse("192.0.2.5"), IPAddress.Parse("255.255.255.0"), IPAddress.Parse("192.0.2.255"), 1000));
        snapshot.Threads.Add(new ThreadRecord
        {
            Tid = Tid, Pid = Tid, ParentTid = 1, Comm = "curl", Exe = "curl", ExePath = "/usr/bin/curl", Cwd = "/",
            Sid = Tid, Vpgid = Tid, Vtid = Tid, Vpid = Tid, FdLimit = 1024,
        });
        using ScapWriter writer = ScapWriter.Create(path, compress: false);
        writer.WriteHeader(snapshot);
        ulong ts = 1_764_000_000_000_000_000;
        foreach (ScapEvent e in Connects())
        {
            e.Timestamp = ts += 1_000_000;
            writer.WriteEvent(e);
        }
        return path;
    }

    private static List<string> Destinations(params string[] overrides)
    {
        string capture = WriteCapture();
        try
        {
            var stdout = new MemoryStream();
            var console = new ConsoleStreams(new StringWriter(), new StringWriter(), stdout);
            int rc = FalconetCommands.Run(new RunRequest { CaptureFile = capture, Overrides = ["json_output=true", .. overrides] }, console, CancellationToken.None);
            Assert.Equal(ExitCodes.Success, rc);
            return System.Text.Encoding.UTF8.GetString(stdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("output_fields").GetProperty("fd.name").GetString()!)
                .Select(name => name[(name.IndexOf("->", StringComparison.Ordinal) + 2)..])
                .ToList();
        }
        finally
        {
            File.Delete(capture);
        }
    }

    [Fact]
    public void Only_the_metadata_services_and_an_unknown_dns_server_are_outbound()
    {
        Assert.Equal(["169.254.169.254:80", "fd00:ec2::254:80", "198.51.100.53:53"], Destinations("dns.servers=[\"192.0.2.53\"]"));
    }

    [Fact]
    public void Dns_to_a_configured_resolver_is_not_an_alert()
    {
        Assert.Equal(["169.254.169.254:80", "fd00:ec2::254:80"], Destinations("dns.servers=[\"198.51.100.53\"]"));
    }
}
