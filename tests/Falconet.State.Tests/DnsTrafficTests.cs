using System.Net;
using Falconet.Core.Snapshot;
using Falconet.Dns;
using Falconet.Scap;

namespace Falconet.State.Tests;

/// <summary>
/// DNS answers received on port-53 sockets reach the store in the receiving workload's scope, and connections keep
/// their names past the TTL until the fd goes: close, or the exit of the process (whose fds close without events).
/// </summary>
public sealed class DnsTrafficTests
{
    private const long Curl = 200;
    private const ulong Second = 1_000_000_000;
    private const ulong Start = 1_700_000_000 * Second;
    private static readonly DnsAddress s_api = DnsAddress.Parse("198.51.100.20");

    private static SystemState NewState()
    {
        var state = new SystemState();
        state.OnInterface(new InterfaceAddress("eth0", IPAddress.Parse("192.0.2.5"), IPAddress.Parse("255.255.255.0"), IPAddress.Any, 0));
        state.OnThread(new ThreadRecord { Tid = 1, Pid = 1, ParentTid = 0, Comm = "systemd", Exe = "/sbin/init", Cwd = "/" });
        state.OnThread(new ThreadRecord { Tid = Curl, Pid = Curl, ParentTid = 1, Comm = "curl", Exe = "curl", Cwd = "/" });
        state.OnSnapshotComplete();
        return state;
    }

    private static byte[] Answer(string name, string address, uint ttl)
    {
        byte[] buffer = new byte[512];
        var writer = new DnsMessageWriter(buffer);
        writer.WriteHeader(new DnsHeader(7, 0x8180, 1, 1, 0, 0));
        writer.WriteQuestion(name, DnsRecordType.A);
        writer.WriteAddressForQuestion(DnsAddress.Parse(address), ttl);
        return writer.Written.ToArray();
    }

    /// <summary>Curl asks 198.51.100.53 on a UDP socket (fd 3) and receives the answer with recvfrom.</summary>
    private static void Resolve(SystemState state, ulong ts, byte[] answer)
    {
        state.Process(EventBuilder.SocketExit(ts, Curl, 3, domain: 2, type: 2, proto: 17));
        state.Process(EventBuilder.ConnectExitV4(ts, Curl, 3, "192.0.2.5", 40000, "198.51.100.53", 53));
        state.Process(EventBuilder.Create(35, ts, Curl).Errno(answer.Length).Raw(answer)
            .SockTupleV4("198.51.100.53", 53, "192.0.2.5", 40000).Fd(3).UInt32(512).Build());
        state.Process(EventBuilder.CloseExit(ts, Curl, 3));
    }

    private static void Connect(SystemState state, ulong ts, long fd)
    {
        state.Process(EventBuilder.SocketExit(ts, Curl, fd, domain: 2, type: 1));
        state.Process(EventBuilder.ConnectExitV4(ts, Curl, fd, "192.0.2.5", 41000, "198.51.100.20", 443));
    }

    [Fact]
    public void A_received_answer_names_the_address_until_its_ttl()
    {
        SystemState state = NewState();
        Resolve(state, Start, Answer("api.allowed.test", "198.51.100.20", 5));

        Assert.True(state.Dns.HasName(DnsObservationStore.HostScope, s_api, "api.allowed.test", (long)(Start + 4 * Second)));
        Assert.Equal("api.allowed.test", state.Dns.FirstName(DnsObservationStore.HostScope, s_api, (long)(Start + 4 * Second)));
        Assert.False(state.Dns.HasName(DnsObservationStore.HostScope, s_api, "api.allowed.test", (long)(Start + 6 * Second)));
        Assert.False(state.Dns.HasName("3f1a9c0c0e5b", s_api, "api.allowed.test", (long)(Start + 4 * Second)), "another workload's scope");
    }

    [Fact]
    public void Answers_on_other_ports_are_not_dns()
    {
        SystemState state = NewState();
        byte[] answer = Answer("api.allowed.test", "198.51.100.20", 5);
        state.Process(EventBuilder.SocketExit(Start, Curl, 3, domain: 2, type: 2, proto: 17));
        state.Process(EventBuilder.ConnectExitV4(Start, Curl, 3, "192.0.2.5", 40000, "198.51.100.53", 5353));
        state.Process(EventBuilder.Create(35, Start, Curl).Errno(answer.Length).Raw(answer)
            .SockTupleV4("198.51.100.53", 5353, "192.0.2.5", 40000).Fd(3).UInt32(512).Build());

        Assert.Equal(0, state.Dns.ResponsesParsed);
        Assert.Null(state.Dns.FirstName(DnsObservationStore.HostScope, s_api, (long)(Start + Second)));
    }

    [Fact]
    public void An_open_connection_keeps_the_name_until_it_closes()
    {
        SystemState state = NewState();
        Resolve(state, Start, Answer("api.allowed.test", "198.51.100.20", 5));
        Connect(state, Start + Second, 4);

        Assert.True(state.Dns.HasName(DnsObservationStore.HostScope, s_api, "api.allowed.test", (long)(Start + 60 * Second)));
        state.Process(EventBuilder.CloseExit(Start + 61 * Second, Curl, 4));
        state.Process(EventBuilder.CloseExit(Start + 62 * Second, Curl, 99)); // the next event applies the removal
        Assert.False(state.Dns.HasName(DnsObservationStore.HostScope, s_api, "api.allowed.test", (long)(Start + 62 * Second)));
    }

    [Fact]
    public void The_exit_of_the_process_releases_its_connections()
    {
        SystemState state = NewState();
        Resolve(state, Start, Answer("api.allowed.test", "198.51.100.20", 5));
        Connect(state, Start + Second, 4);
        Assert.True(state.Dns.HasName(DnsObservationStore.HostScope, s_api, "api.allowed.test", (long)(Start + 30 * Second)));

        state.Process(EventBuilder.ProcExit(Start + 31 * Second, Curl));
        state.Process(EventBuilder.CloseExit(Start + 32 * Second, 1, 99)); // the next event applies the exit

        Assert.False(state.Dns.HasName(DnsObservationStore.HostScope, s_api, "api.allowed.test", (long)(Start + 32 * Second)));
    }
}
