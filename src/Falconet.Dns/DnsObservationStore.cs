using System.Collections.Concurrent;

namespace Falconet.Dns;

/// <summary>Which bindings the queries of a <see cref="DnsObservationStore"/> consult.</summary>
public enum DnsMode
{
    /// <summary>Only what the workload itself resolved, in its own scope.</summary>
    Observed,

    /// <summary>Only what the background resolver found (Falco's semantics), for every scope alike.</summary>
    Resolve,

    /// <summary>Observed first, then the resolver's results.</summary>
    Both,
}

/// <summary>Limits and policy of a <see cref="DnsObservationStore"/>.</summary>
public sealed class DnsStoreOptions
{
    /// <summary>Most (scope, address, name) bindings kept; the least recently used is evicted beyond it.</summary>
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>A TTL below this many seconds is raised to it (0 keeps TTLs as answered).</summary>
    public uint MinTtlSeconds { get; init; }

    /// <summary>Which bindings queries consult.</summary>
    public DnsMode Mode { get; init; } = DnsMode.Both;

    /// <summary>Longest CNAME chain followed from an address back to the queried name.</summary>
    public int MaxCnameChain { get; init; } = 16;
}

/// <summary>
/// The address → names map built from DNS answers, per workload scope (a container id; the host is the scope
/// <c>""</c>). An answer maps each of its addresses to its owner name and to every name that reaches it through the
/// answer's CNAME chain, until the TTL expires (timestamps are the events' nanoseconds, never the wall clock, so a
/// replay behaves as the live run did). A connection that opens while a binding is valid keeps it valid until it closes
/// (Cilium's "zombie" entries): an allowlisted peer does not turn into an alert mid-connection because a TTL ran out.
/// <para>
/// Threading: the store belongs to the event thread. Answers arrive as events, so observing and querying run on that
/// one thread and need no lock at all; readers never wait. The background <see cref="DnsResolver"/> is the only other
/// writer: it calls <see cref="EnqueueResolverResponse"/>, which is thread-safe and only adds to a concurrent queue;
/// the event thread drains that queue on its next call into the store, so the resolver never touches the maps.
/// Resolver results are held in one scope of their own that every workload scope sees (they are not what the workload
/// resolved, but what the listed names resolve to now, as Falco evaluates them).
/// </para>
/// <para>
/// Memory: at most <see cref="DnsStoreOptions.MaxEntries"/> bindings, each with an interned name (one string per distinct
/// live name). Expired bindings are dropped when their address is touched and otherwise age out of the LRU order.
/// </para>
/// </summary>
public sealed class DnsObservationStore
{
    private const long NanosPerSecond = 1_000_000_000;
    private const int None = -1;

    private readonly DnsStoreOptions _options;
    private readonly DnsResponse _response = new();
    private readonly DnsResponse _resolverResponse = new();
    private readonly Dictionary<string, Scope> _scopes = new(StringComparer.Ordinal);
    private readonly Scope _resolverScope;
    private readonly Dictionary<(int Scope, DnsAddress Address), int> _heads = [];
    private readonly Dictionary<string, int> _nameRefs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;
    private readonly ConcurrentQueue<(byte[] Message, long TimestampNs)> _resolverQueue = new();
    private readonly int[] _chain;
    private readonly uint[] _chainTtl;
    private Binding[] _bindings = new Binding[1024];
    private int _used;
    private int _free = None;
    private int _lruHead = None;
    private int _lruTail = None;
    private int _nextScopeId = 1;

    /// <summary>A store with the default options.</summary>
    public DnsObservationStore()
        : this(new DnsStoreOptions())
    {
    }

    /// <summary>A store with the given limits and mode.</summary>
    public DnsObservationStore(DnsStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxCnameChain, 1);
        _options = options;
        _resolverScope = new Scope("(resolver)", 0);
        _nameLookup = _nameRefs.GetAlternateLookup<ReadOnlySpan<char>>();
        _chain = new int[options.MaxCnameChain + 1];
        _chainTtl = new uint[options.MaxCnameChain + 1];
        if (_bindings.Length > options.MaxEntries)
        {
            _bindings = new Binding[options.MaxEntries];
        }
    }

    /// <summary>The scope of the host (processes outside any container).</summary>
    public const string HostScope = "";

    /// <summary>The options the store was made with.</summary>
    public DnsStoreOptions Options => _options;

    /// <summary>Responses parsed completely.</summary>
    public long ResponsesParsed { get; private set; }

    /// <summary>A and AAAA answer records applied.</summary>
    public long AddressAnswers { get; private set; }

    /// <summary>Responses that stopped at a malformed byte (bad pointer, pointer loop, bad label, bad data, ...).</summary>
    public long Malformed { get; private set; }

    /// <summary>Responses cut short (the records before the cut were still applied).</summary>
    public long Truncated { get; private set; }

    /// <summary>Messages that were not responses (queries seen on port 53) and were ignored.</summary>
    public long NotResponses { get; private set; }

    /// <summary>Bindings held now, expired ones not yet dropped included.</summary>
    public int Entries => _used;

    /// <summary>Bindings evicted because the store was full (least recently used first).</summary>
    public long Evictions { get; private set; }

    /// <summary>Expired bindings dropped.</summary>
    public long Expirations { get; private set; }

    /// <summary>Distinct names held (each one string).</summary>
    public int DistinctNames => _nameRefs.Count;

    /// <summary>
    /// Applies one DNS response that a process of <paramref name="scope"/> received at <paramref name="timestampNs"/>
    /// (the payload of a UDP datagram, or one TCP message without its length prefix: see <see cref="DnsTcpFraming"/>).
    /// Never throws on bad input: the records read before a bad byte are applied and the status is counted.
    /// </summary>
    public DnsParseStatus ObserveResponse(string scope, ReadOnlySpan<byte> message, long timestampNs)
    {
        ArgumentNullException.ThrowIfNull(scope);
        DrainResolverQueue();
        return Apply(GetOrAddScope(scope), _response, message, timestampNs);
    }

    /// <summary>
    /// Thread-safe: queues a response that the background resolver received at <paramref name="timestampNs"/> (in the
    /// events' clock) for the event thread to apply, into the resolver scope, on its next call into the store.
    /// </summary>
    public void EnqueueResolverResponse(ReadOnlySpan<byte> message, long timestampNs) =>
        _resolverQueue.Enqueue((message.ToArray(), timestampNs));

    /// <summary>Applies queued resolver responses now (the queries do it themselves; this is for an idle event loop).</summary>
    public void DrainResolverQueue()
    {
        while (_resolverQueue.TryDequeue(out (byte[] Message, long TimestampNs) item))
        {
            Apply(_resolverScope, _resolverResponse, item.Message, item.TimestampNs);
        }
    }

    /// <summary>
    /// A connection from <paramref name="scope"/> to <paramref name="address"/> opened at <paramref name="timestampNs"/>:
    /// every binding of the address valid then stays valid until <see cref="ConnectionClosed"/>. Returns how many bindings
    /// it pinned.
    /// </summary>
    public int ConnectionOpened(string scope, DnsAddress address, long timestampNs)
    {
        DrainResolverQueue();
        int pinned = 0;
        if (_scopes.TryGetValue(scope, out Scope? s))
        {
            pinned += Pin(s.Id, address, timestampNs);
        }
        return pinned + Pin(_resolverScope.Id, address, timestampNs);
    }

    /// <summary>
    /// The connection opened at <paramref name="openedAtNs"/> (the timestamp given to <see cref="ConnectionOpened"/>)
    /// closed: the bindings it pinned expire normally again. Bindings that appeared after it opened are not touched.
    /// </summary>
    public void ConnectionClosed(string scope, DnsAddress address, long openedAtNs)
    {
        if (_scopes.TryGetValue(scope, out Scope? s))
        {
            Unpin(s.Id, address, openedAtNs);
        }
        Unpin(_resolverScope.Id, address, openedAtNs);
    }

    /// <summary>
    /// Whether <paramref name="address"/> was resolved to <paramref name="name"/> (any case, trailing dot allowed) by
    /// <paramref name="scope"/> (or by the resolver, per <see cref="DnsStoreOptions.Mode"/>) and is valid at
    /// <paramref name="nowNs"/>. Allocation-free.
    /// </summary>
    public bool HasName(string scope, DnsAddress address, ReadOnlySpan<char> name, long nowNs)
    {
        name = DomainNames.Normalize(name);
        foreach (int scopeId in ScopesToQuery(scope))
        {
            for (int i = Head(scopeId, address); i != None; i = _bindings[i].NextInAddress)
            {
                ref Binding b = ref _bindings[i];
                if (b.IsValid(nowNs) && name.Equals(b.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Whether any valid name of <paramref name="address"/> in <paramref name="scope"/> matches a pattern of the set. Allocation-free.</summary>
    public bool MatchesAny(string scope, DnsAddress address, DomainPatternSet patterns, long nowNs)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        foreach (int scopeId in ScopesToQuery(scope))
        {
            for (int i = Head(scopeId, address); i != None; i = _bindings[i].NextInAddress)
            {
                ref Binding b = ref _bindings[i];
                if (b.IsValid(nowNs) && patterns.Matches(b.Name))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>
    /// The name to print for <paramref name="address"/> (<c>%fd.sip.name</c>): the most recently answered name that a
    /// workload asked for (the head of a CNAME chain, not the CDN's canonical name), else any valid name; null when none.
    /// The string is the store's interned one: no allocation.
    /// </summary>
    public string? FirstName(string scope, DnsAddress address, long nowNs)
    {
        foreach (int scopeId in ScopesToQuery(scope))
        {
            string? best = null;
            bool bestQueried = false;
            long bestSeen = long.MinValue;
            for (int i = Head(scopeId, address); i != None; i = _bindings[i].NextInAddress)
            {
                ref Binding b = ref _bindings[i];
                if (!b.IsValid(nowNs))
                {
                    continue;
                }
                if (best is null || (b.Queried && !bestQueried) || (b.Queried == bestQueried && b.LastAnswerNs > bestSeen))
                {
                    best = b.Name;
                    bestQueried = b.Queried;
                    bestSeen = b.LastAnswerNs;
                }
            }
            if (best is not null)
            {
                return best;
            }
        }
        return null;
    }

    /// <summary>Every valid name of <paramref name="address"/> in <paramref name="scope"/> (for diagnostics and tests; allocates).</summary>
    public IReadOnlyList<string> NamesOf(string scope, DnsAddress address, long nowNs)
    {
        var names = new List<string>();
        foreach (int scopeId in ScopesToQuery(scope))
        {
            for (int i = Head(scopeId, address); i != None; i = _bindings[i].NextInAddress)
            {
                if (_bindings[i].IsValid(nowNs) && !names.Contains(_bindings[i].Name!))
                {
                    names.Add(_bindings[i].Name!);
                }
            }
        }
        return names;
    }

    /// <summary>Drops every binding of <paramref name="scope"/> (a container that exited).</summary>
    public void RemoveScope(string scope)
    {
        if (!_scopes.TryGetValue(scope, out Scope? s))
        {
            return;
        }
        for (int i = _lruHead; i != None;)
        {
            int next = _bindings[i].LruNext;
            if (_bindings[i].Scope == s)
            {
                Remove(i);
            }
            i = next;
        }
        _scopes.Remove(scope);
    }

    private ScopeIds ScopesToQuery(string scope)
    {
        DrainResolverQueue();
        int observed = _options.Mode != DnsMode.Resolve && _scopes.TryGetValue(scope, out Scope? s) ? s.Id : None;
        int resolver = _options.Mode != DnsMode.Observed ? _resolverScope.Id : None;
        return new ScopeIds(observed, resolver);
    }

    private int Head(int scopeId, DnsAddress address) =>
        _heads.TryGetValue((scopeId, address), out int head) ? head : None;

    private Scope GetOrAddScope(string scope)
    {
        if (!_scopes.TryGetValue(scope, out Scope? s))
        {
            s = new Scope(scope, _nextScopeId++);
            _scopes.Add(scope, s);
        }
        return s;
    }

    private DnsParseStatus Apply(Scope scope, DnsResponse response, ReadOnlySpan<byte> message, long timestampNs)
    {
        DnsParseStatus status = response.Parse(message);
        switch (status)
        {
            case DnsParseStatus.Ok:
                ResponsesParsed++;
                break;
            case DnsParseStatus.Truncated:
                Truncated++;
                break;
            case DnsParseStatus.NotResponse:
                NotResponses++;
                return status;
            default:
                Malformed++;
                break;
        }
        for (int a = 0; a < response.AddressCount; a++)
        {
            AddressRecord record = response.GetAddress(a);
            AddressAnswers++;
            int length = CollectChain(response, record.Owner, record.Ttl);
            for (int c = 0; c < length; c++)
            {
                uint ttl = Math.Max(_chainTtl[c], _options.MinTtlSeconds);
                long expires = timestampNs + ttl * NanosPerSecond;
                Bind(scope, record.Address, response.GetName(_chain[c]), _chain[c] == response.QuestionName, timestampNs, expires);
            }
        }
        return status;
    }

    // The owner of an address record, then each alias that leads to it, each with the smallest TTL on the way there:
    // an alias is only as fresh as every link between it and the address.
    private int CollectChain(DnsResponse response, int owner, uint ttl)
    {
        int length = 0;
        _chain[length] = owner;
        _chainTtl[length++] = ttl;
        int current = owner;
        while (length < _chain.Length)
        {
            int alias = response.FindAliasOf(current);
            while (alias >= 0 && Array.IndexOf(_chain, response.GetCname(alias).Owner, 0, length) >= 0)
            {
                alias = response.FindAliasOf(current, alias + 1);
            }
            if (alias < 0)
            {
                break;
            }
            CnameRecord cname = response.GetCname(alias);
            ttl = Math.Min(ttl, cname.Ttl);
            _chain[length] = cname.Owner;
            _chainTtl[length++] = ttl;
            current = cname.Owner;
        }
        return length;
    }

    private void Bind(Scope scope, DnsAddress address, ReadOnlySpan<char> name, bool queried, long nowNs, long expiresNs)
    {
        if (name.IsEmpty)
        {
            return;
        }
        var key = (scope.Id, address);
        int head = _heads.TryGetValue(key, out int h) ? h : None;
        for (int i = head; i != None;)
        {
            ref Binding b = ref _bindings[i];
            int next = b.NextInAddress;
            if (name.SequenceEqual(b.Name))
            {
                if (!b.IsValid(nowNs))
                {
                    b.FirstValidNs = nowNs;
                }
                b.ExpiresNs = Math.Max(b.ExpiresNs, expiresNs);
                b.LastAnswerNs = nowNs;
                b.Queried |= queried;
                Touch(i);
                return;
            }
            if (!b.IsValid(nowNs))
            {
                Remove(i);
                Expirations++;
            }
            i = next;
        }
        if (_used == _options.MaxEntries)
        {
            Remove(_lruTail);
            Evictions++;
        }
        int index = Allocate();
        head = _heads.TryGetValue(key, out h) ? h : None;
        ref Binding added = ref _bindings[index];
        added = new Binding
        {
            Scope = scope,
            Address = address,
            Name = Intern(name),
            FirstValidNs = nowNs,
            ExpiresNs = expiresNs,
            LastAnswerNs = nowNs,
            Queried = queried,
            NextInAddress = head,
            PrevInAddress = None,
            LruPrev = None,
            LruNext = None,
        };
        if (head != None)
        {
            _bindings[head].PrevInAddress = index;
        }
        _heads[key] = index;
        if (++scope.Count == 1 && scope != _resolverScope)
        {
            // An eviction may have emptied and unregistered this scope while its answer was being applied.
            _scopes.TryAdd(scope.Name, scope);
        }
        _used++;
        LinkFront(index);
    }

    private int Pin(int scopeId, DnsAddress address, long nowNs)
    {
        int pinned = 0;
        for (int i = Head(scopeId, address); i != None; i = _bindings[i].NextInAddress)
        {
            ref Binding b = ref _bindings[i];
            if (b.IsValid(nowNs))
            {
                b.Pins++;
                pinned++;
                Touch(i);
            }
        }
        return pinned;
    }

    private void Unpin(int scopeId, DnsAddress address, long openedAtNs)
    {
        for (int i = Head(scopeId, address); i != None; i = _bindings[i].NextInAddress)
        {
            ref Binding b = ref _bindings[i];
            if (b.Pins > 0 && b.FirstValidNs <= openedAtNs)
            {
                b.Pins--;
            }
        }
    }

    private string Intern(ReadOnlySpan<char> name)
    {
        if (_nameLookup.TryGetValue(name, out string? existing, out int refs))
        {
            _nameRefs[existing] = refs + 1;
            return existing;
        }
        string created = name.ToString();
        _nameRefs.Add(created, 1);
        return created;
    }

    private void Release(string name)
    {
        int refs = _nameRefs[name];
        if (refs == 1)
        {
            _nameRefs.Remove(name);
        }
        else
        {
            _nameRefs[name] = refs - 1;
        }
    }

    private int Allocate()
    {
        if (_free != None)
        {
            int index = _free;
            _free = _bindings[index].NextInAddress;
            return index;
        }
        int slot = _used;
        if (slot == _bindings.Length)
        {
            Array.Resize(ref _bindings, (int)Math.Min((long)_bindings.Length * 2, _options.MaxEntries));
        }
        return slot;
    }

    private void Remove(int index)
    {
        ref Binding b = ref _bindings[index];
        var key = (b.Scope!.Id, b.Address);
        if (b.PrevInAddress != None)
        {
            _bindings[b.PrevInAddress].NextInAddress = b.NextInAddress;
        }
        else if (b.NextInAddress != None)
        {
            _heads[key] = b.NextInAddress;
        }
        else
        {
            _heads.Remove(key);
        }
        if (b.NextInAddress != None)
        {
            _bindings[b.NextInAddress].PrevInAddress = b.PrevInAddress;
        }
        Unlink(index);
        Release(b.Name!);
        Scope scope = b.Scope;
        if (--scope.Count == 0 && scope != _resolverScope)
        {
            _scopes.Remove(scope.Name);
        }
        b = default;
        b.NextInAddress = _free;
        _free = index;
        _used--;
    }

    private void Touch(int index)
    {
        if (_lruHead != index)
        {
            Unlink(index);
            LinkFront(index);
        }
    }

    private void LinkFront(int index)
    {
        ref Binding b = ref _bindings[index];
        b.LruPrev = None;
        b.LruNext = _lruHead;
        if (_lruHead != None)
        {
            _bindings[_lruHead].LruPrev = index;
        }
        _lruHead = index;
        if (_lruTail == None)
        {
            _lruTail = index;
        }
    }

    private void Unlink(int index)
    {
        ref Binding b = ref _bindings[index];
        if (b.LruPrev != None)
        {
            _bindings[b.LruPrev].LruNext = b.LruNext;
        }
        else
        {
            _lruHead = b.LruNext;
        }
        if (b.LruNext != None)
        {
            _bindings[b.LruNext].LruPrev = b.LruPrev;
        }
        else
        {
            _lruTail = b.LruPrev;
        }
        b.LruPrev = None;
        b.LruNext = None;
    }

    private sealed class Scope(string name, int id)
    {
        public string Name { get; } = name;

        public int Id { get; } = id;

        public int Count { get; set; }
    }

    private struct Binding
    {
        public Scope? Scope;
        public DnsAddress Address;
        public string? Name;
        public long FirstValidNs;
        public long ExpiresNs;
        public long LastAnswerNs;
        public int Pins;
        public bool Queried;
        public int NextInAddress;
        public int PrevInAddress;
        public int LruPrev;
        public int LruNext;

        public readonly bool IsValid(long nowNs) => nowNs <= ExpiresNs || Pins > 0;
    }

    // The one or two scope ids a query visits, without allocating an enumerator.
    private readonly struct ScopeIds(int observed, int resolver)
    {
        public Enumerator GetEnumerator() => new(observed, resolver);

        public struct Enumerator(int observed, int resolver)
        {
            private int _state = -1;

            public readonly int Current => _state == 0 ? observed : resolver;

            public bool MoveNext()
            {
                while (++_state < 2)
                {
                    if ((_state == 0 ? observed : resolver) != None)
                    {
                        return true;
                    }
                }
                return false;
            }
        }
    }
}
