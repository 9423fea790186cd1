using Falconet.Core.Events;
using Falconet.Dns;

namespace Falconet.State;

/// <summary>
/// Feeds the DNS answers processes receive into the <see cref="DnsObservationStore"/>, and tells it which addresses
/// have open connections (so a name's address stays allowed while a connection that began within its TTL is open).
/// Runs on the event thread: the store takes no locks, and answers become visible to the next event.
/// </summary>
internal sealed class DnsTrafficObserver(DnsObservationStore store)
{
    private const ushort DnsPort = 53;
    private static readonly DnsMessageHandler<(DnsObservationStore Store, string Scope, long Now)> s_onTcpMessage =
        static (message, s) => s.Store.ObserveResponse(s.Scope, message, s.Now);

    /// <summary>A process whose traffic is not observed (Falconet's own resolver, when it captures itself live); -1 for none.</summary>
    public long IgnoredProcessId { get; set; } = -1;

    /// <summary>A successful receive on <paramref name="fd"/>: when one end is port 53, its payload is a DNS answer.</summary>
    public void OnReceive(ScapEvent evt, ThreadInfo thread, FdInfo? fd)
    {
        if (fd is null || !fd.IsIpSocket || (fd.ClientPort != DnsPort && fd.ServerPort != DnsPort) || thread.Pid == IgnoredProcessId)
        {
            return;
        }
        long received = ParamReader.Int(evt, Param.Res, -1);
        int dataIndex = ParamIndex.Of(evt.Type, Param.Data);
        if (received <= 0 || dataIndex < 0)
        {
            return;
        }
        ReadOnlySpan<byte> data = evt.GetParam(dataIndex);
        bool complete = data.Length >= received;
        if (data.Length > received)
        {
            data = data[..(int)received];
        }
        long now = (long)evt.Timestamp;
        if (!fd.IsTcp)
        {
            store.ObserveResponse(thread.ContainerId, data, now);
            return;
        }
        fd.DnsStream ??= new DnsTcpReassembler();
        fd.DnsStream.Append(data, (store, thread.ContainerId, now), s_onTcpMessage);
        if (!complete)
        {
            // The capture kept only part of what was read: the stream's framing is lost until the next message start.
            fd.DnsStream.Reset();
        }
    }

    /// <summary>A connect that succeeded (or is in progress) on an IP socket: pins the names its server address has now.</summary>
    public void OnConnected(ScapEvent evt, ThreadInfo thread, FdInfo fd)
    {
        if (!fd.IsIpSocket || fd.ServerIp is null)
        {
            return;
        }
        Span<byte> bytes = stackalloc byte[16];
        if (!fd.ServerIp.TryWriteBytes(bytes, out int length) || !DnsAddress.TryFromBytes(bytes[..length], out DnsAddress address))
        {
            return;
        }
        fd.ReleaseDnsPin();
        long now = (long)evt.Timestamp;
        if (store.ConnectionOpened(thread.ContainerId, address, now) > 0)
        {
            fd.DnsPin = new DnsPin(store, thread.ContainerId, address, now);
        }
    }
}

/// <summary>
/// The binding pin an open connection holds in the DNS store: who opened it, to which address, when. Released when
/// the fd goes: close, replacement, close-on-exec, or the exit of the process that held it.
/// </summary>
internal sealed class DnsPin(DnsObservationStore store, string scope, DnsAddress address, long openedAtNs)
{
    public void Release() => store.ConnectionClosed(scope, address, openedAtNs);
}
