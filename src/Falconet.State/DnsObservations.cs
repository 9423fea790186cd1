using System.Net;

namespace Falconet.State;

/// <summary>
/// Domain names known for addresses: a name → addresses map that <c>fd.*ip.name</c> is answered from (absent when
/// no name is known for an address). Nothing records names into it yet, so those fields are absent today; whatever
/// fills it later must do so from observed traffic or off the event thread, never by a lookup on the event path.
/// Thread-safe: writers may run off the event thread.
/// </summary>
public sealed class DnsObservations
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<IPAddress>> _addressesByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<IPAddress, string> _nameByAddress = [];

    /// <summary>Number of names recorded.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _addressesByName.Count;
            }
        }
    }

    /// <summary>Records that <paramref name="name"/> resolved to <paramref name="address"/>. The first name seen for an address wins.</summary>
    public void Observe(string name, IPAddress address)
    {
        lock (_lock)
        {
            if (!_addressesByName.TryGetValue(name, out HashSet<IPAddress>? set))
            {
                set = [];
                _addressesByName[name] = set;
            }
            set.Add(address);
            _nameByAddress.TryAdd(address, name);
        }
    }

    /// <summary>A known name for <paramref name="address"/>; false when none was observed.</summary>
    public bool TryGetName(IPAddress address, out string name)
    {
        lock (_lock)
        {
            if (_nameByAddress.TryGetValue(address, out string? found))
            {
                name = found;
                return true;
            }
        }
        name = "";
        return false;
    }

    /// <summary>Whether <paramref name="address"/> was observed for <paramref name="name"/>.</summary>
    public bool Contains(string name, IPAddress address)
    {
        lock (_lock)
        {
            return _addressesByName.TryGetValue(name, out HashSet<IPAddress>? set) && set.Contains(address);
        }
    }
}
