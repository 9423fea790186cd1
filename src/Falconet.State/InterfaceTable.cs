using System.Net;
using Falconet.Core.Snapshot;

namespace Falconet.State;

/// <summary>The machine's interface addresses: what decides local and remote ends, and fills unspecified ones.</summary>
public sealed class InterfaceTable
{
    private readonly List<InterfaceAddress> _interfaces = [];

    /// <summary>Every interface address, in the order the snapshot listed them.</summary>
    public IReadOnlyList<InterfaceAddress> All => _interfaces;

    internal void Add(InterfaceAddress address) => _interfaces.Add(address);

    internal void Clear() => _interfaces.Clear();

    /// <summary>
    /// Whether <paramref name="address"/> belongs to this machine (decides local/remote in <c>fd.lip</c>/<c>fd.rip</c>
    /// and <c>fd.is_server</c>): an IPv4 address equal to an interface address, or an IPv6 address in the /64 of an
    /// interface address (libsinsp compares the first 64 bits for IPv6).
    /// </summary>
    public bool IsLocal(IPAddress address)
    {
        Span<byte> wanted = stackalloc byte[16];
        Span<byte> candidate = stackalloc byte[16];
        if (!address.TryWriteBytes(wanted, out int wantedLength))
        {
            return false;
        }
        foreach (InterfaceAddress iface in _interfaces)
        {
            if (!iface.Address.TryWriteBytes(candidate, out int length) || length != wantedLength)
            {
                continue;
            }
            int compared = length == 16 ? 8 : length;
            if (wanted[..compared].SequenceEqual(candidate[..compared]))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The interface address libsinsp puts in for an unspecified end talking to <paramref name="destination"/>:
    /// the interface equal to it, else one in the same subnet (the /64 for IPv6), else the first non-loopback one.
    /// </summary>
    internal IPAddress? InferFor(IPAddress destination)
    {
        Span<byte> wanted = stackalloc byte[16];
        Span<byte> candidate = stackalloc byte[16];
        Span<byte> mask = stackalloc byte[16];
        if (!destination.TryWriteBytes(wanted, out int length))
        {
            return null;
        }
        foreach (InterfaceAddress iface in _interfaces)
        {
            if (iface.Address.AddressFamily == destination.AddressFamily && iface.Address.Equals(destination))
            {
                return iface.Address;
            }
        }
        foreach (InterfaceAddress iface in _interfaces)
        {
            if (iface.Address.AddressFamily != destination.AddressFamily || !iface.Address.TryWriteBytes(candidate, out _))
            {
                continue;
            }
            bool sameSubnet;
            if (length == 16)
            {
                sameSubnet = wanted[..8].SequenceEqual(candidate[..8]);
            }
            else
            {
                sameSubnet = iface.Netmask.TryWriteBytes(mask, out int maskLength) && maskLength == 4;
                for (int i = 0; sameSubnet && i < 4; i++)
                {
                    sameSubnet = (wanted[i] & mask[i]) == (candidate[i] & mask[i]);
                }
            }
            if (sameSubnet)
            {
                return iface.Address;
            }
        }
        foreach (InterfaceAddress iface in _interfaces)
        {
            if (iface.Address.AddressFamily == destination.AddressFamily && !IPAddress.IsLoopback(iface.Address))
            {
                return iface.Address;
            }
        }
        return null;
    }
}
