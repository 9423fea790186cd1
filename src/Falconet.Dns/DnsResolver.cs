using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Falconet.Dns;

/// <summary>Settings of a <see cref="DnsResolver"/>.</summary>
public sealed class DnsResolverOptions
{
    /// <summary>Servers to ask, in order of preference; null reads the <c>nameserver</c> lines of <see cref="ResolvConfPath"/>.</summary>
    public IReadOnlyList<IPEndPoint>? Servers { get; init; }

    /// <summary>The resolv.conf read when <see cref="Servers"/> is null.</summary>
    public string ResolvConfPath { get; init; } = ResolvConf.DefaultPath;

    /// <summary>How long one query waits for its answer before the next server (or a failure).</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Wait after a first failure; it doubles on each further failure, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait between retries of a failing name.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(320);

    /// <summary>Shortest wait between refreshes of an answered name (a TTL of 0 refreshes this often).</summary>
    public TimeSpan MinRefresh { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between refreshes, whatever the TTL.</summary>
    public TimeSpan MaxRefresh { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Lookups in flight at once, so 1000 listed names do not flood the server.</summary>
    public int MaxConcurrentLookups { get; init; } = 64;

    /// <summary>Receives one line per failing name (again only after that name has succeeded once more); null is silent.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>
    /// The events' clock in nanoseconds, stamped on published answers so their TTLs compare with event timestamps;
    /// null uses nanoseconds since the Unix epoch.
    /// </summary>
    public Func<long>? EventClockNs { get; init; }
}

/// <summary>
/// Falco's resolve semantics off the event path: the addresses of a fixed list of names, looked up with our own UDP
/// queries (A and AAAA) to the configured servers, never through getaddrinfo, on the thread pool. Each name refreshes at
/// 90% of its smallest TTL; a failing name retries after a backoff that doubles from 10 s to 320 s. Answers go to
/// <see cref="DnsObservationStore.EnqueueResolverResponse"/>, which makes them visible to every workload scope.
/// Lookups never block the event thread; <see cref="WaitForFirstAnswers"/> lets start-up wait a bounded time.
/// </summary>
public sealed class DnsResolver : IDisposable
{
    private const int MaxMessage = 4096;

    private readonly DnsObservationStore _store;
    private readonly DnsResolverOptions _options;
    private readonly string[] _names;
    private readonly Func<long> _clock;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _lookups;
    private readonly ConcurrentDictionary<ushort, PendingQuery> _pending = new();
    private readonly TaskCompletionSource _allFirst = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _tasks = [];
    private Socket? _socket4;
    private Socket? _socket6;
    private int _firstDone;
    private long _failures;
    private long _successes;
    private long _queriesSent;
    private long _logLines;
    private bool _started;

    /// <summary>A resolver of <paramref name="names"/> (exact names; duplicates and case are folded) feeding <paramref name="store"/>.</summary>
    /// <exception cref="ArgumentException">A name cannot be put in a query (an empty label, a label over 63 characters, ...).</exception>
    public DnsResolver(IEnumerable<string> names, DnsObservationStore store, DnsResolverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _options = options ?? new DnsResolverOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrentLookups, 1);
        _names = names.Select(n => DomainNames.Normalize(n.Trim()).ToString().ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToArray();
        Span<byte> probe = stackalloc byte[MaxMessage];
        foreach (string name in _names)
        {
            _ = DnsMessageWriter.WriteQuery(probe, 0, name, DnsRecordType.A);
        }
        Servers = _options.Servers ?? ResolvConf.LoadNameservers(_options.ResolvConfPath);
        if (Servers.Count == 0)
        {
            throw new ArgumentException("the resolver needs at least one server", nameof(options));
        }
        _clock = _options.EventClockNs ?? (() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100);
        _lookups = new SemaphoreSlim(_options.MaxConcurrentLookups);
        if (_names.Length == 0)
        {
            _allFirst.TrySetResult();
        }
    }

    /// <summary>The servers asked, in order.</summary>
    public IReadOnlyList<IPEndPoint> Servers { get; }

    /// <summary>The distinct names resolved.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Lookups of a name that failed (no server answered, an error code, or no address).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Lookups that published an answer.</summary>
    public long Successes => Interlocked.Read(ref _successes);

    /// <summary>UDP queries sent.</summary>
    public long QueriesSent => Interlocked.Read(ref _queriesSent);

    /// <summary>Lines given to <see cref="DnsResolverOptions.Log"/>.</summary>
    public long LogLines => Interlocked.Read(ref _logLines);

    /// <summary>Names whose first lookup has finished, answered or failed.</summary>
    public int NamesTried => Volatile.Read(ref _firstDone);

    /// <summary>Opens the sockets and starts one lookup loop per name. Call once.</summary>
    public void Start()
    {
        if (_started)
        {
            throw new InvalidOperationException("the resolver is already started");
        }
        _started = true;
        if (Servers.Any(s => s.AddressFamily == AddressFamily.InterNetwork))
        {
            _socket4 = OpenSocket(AddressFamily.InterNetwork);
        }
        if (Servers.Any(s => s.AddressFamily == AddressFamily.InterNetworkV6))
        {
            _socket6 = OpenSocket(AddressFamily.InterNetworkV6);
        }
        foreach (string name in _names)
        {
            _tasks.Add(Task.Run(() => RunNameAsync(name)));
        }
    }

    /// <summary>
    /// Waits until every name's first lookup has finished, or <paramref name="timeout"/>: whichever comes first, so
    /// start-up never waits longer than configured even when no server answers. True when all names were tried.
    /// </summary>
    public bool WaitForFirstAnswers(TimeSpan timeout) => _allFirst.Task.Wait(timeout);

    /// <summary>Stops every loop and closes the sockets; pending lookups end at once.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        _stop.Cancel();
        _socket4?.Dispose();
        _socket6?.Dispose();
        try
        {
            Task.WaitAll([.. _tasks], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
        _lookups.Dispose();
    }

    private Socket OpenSocket(AddressFamily family)
    {
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0));
        _tasks.Add(Task.Run(() => ReceiveLoopAsync(socket)));
        return socket;
    }

    private async Task RunNameAsync(string name)
    {
        CancellationToken stop = _stop.Token;
        TimeSpan backoff = _options.InitialBackoff;
        bool first = true;
        bool logged = false;
        while (!stop.IsCancellationRequested)
        {
            (bool ok, uint ttl, string reason) result;
            try
            {
                await _lookups.WaitAsync(stop).ConfigureAwait(false);
                try
                {
                    result = await ResolveOnceAsync(name, stop).ConfigureAwait(false);
                }
                finally
                {
                    _lookups.Release();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            TimeSpan wait;
            if (result.ok)
            {
                Interlocked.Increment(ref _successes);
                backoff = _options.InitialBackoff;
                logged = false;
                wait = TimeSpan.FromSeconds(result.ttl * 0.9);
                wait = wait < _options.MinRefresh ? _options.MinRefresh : wait > _options.MaxRefresh ? _options.MaxRefresh : wait;
            }
            else
            {
                Interlocked.Increment(ref _failures);
                if (!logged && _options.Log is { } log)
                {
                    logged = true;
                    Interlocked.Increment(ref _logLines);
                    log($"dns resolver: {name}: {result.reason}; retrying with backoff from {backoff.TotalSeconds:0} s (further failures are counted, not logged)");
                }
                wait = backoff;
                backoff = backoff * 2 > _options.MaxBackoff ? _options.MaxBackoff : backoff * 2;
            }
            if (first)
            {
                first = false;
                if (Interlocked.Increment(ref _firstDone) == _names.Length)
                {
                    _allFirst.TrySetResult();
                }
            }
            try
            {
                await Task.Delay(wait, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // One lookup of a name: A and AAAA together, server after server until one answers both.
    private async Task<(bool Ok, uint Ttl, string Reason)> ResolveOnceAsync(string name, CancellationToken stop)
    {
        string reason = "no server answered";
        foreach (IPEndPoint server in Servers)
        {
            Task<byte[]?> a = QueryAsync(server, name, DnsRecordType.A, stop);
            Task<byte[]?> aaaa = QueryAsync(server, name, DnsRecordType.Aaaa, stop);
            byte[]? answerA = await a.ConfigureAwait(false);
            byte[]? answerAaaa = await aaaa.ConfigureAwait(false);
            if (answerA is null && answerAaaa is null)
            {
                continue;
            }
            var response = new DnsResponse();
            uint ttl = uint.MaxValue;
            int addresses = 0;
            int rcode = 0;
            foreach (byte[]? answer in (ReadOnlySpan<byte[]?>)[answerA, answerAaaa])
            {
                if (answer is null)
                {
                    continue;
                }
                response.Parse(answer);
                rcode = Math.Max(rcode, response.Header.ResponseCode);
                for (int i = 0; i < response.AddressCount; i++)
                {
                    ttl = Math.Min(ttl, response.GetAddress(i).Ttl);
                    addresses++;
                }
                for (int i = 0; i < response.CnameCount; i++)
                {
                    ttl = Math.Min(ttl, response.GetCname(i).Ttl);
                }
                if (response.AddressCount > 0)
                {
                    _store.EnqueueResolverResponse(answer, _clock());
                }
            }
            if (addresses > 0)
            {
                return (true, ttl, "");
            }
            reason = rcode switch
            {
                3 => $"{server} answered NXDOMAIN",
                0 => $"{server} answered no address",
                _ => $"{server} answered rcode {rcode}",
            };
        }
        return (false, 0, reason);
    }

    private async Task<byte[]?> QueryAsync(IPEndPoint server, string name, ushort type, CancellationToken stop)
    {
        Socket? socket = server.AddressFamily == AddressFamily.InterNetwork ? _socket4 : _socket6;
        if (socket is null)
        {
            return null;
        }
        var pending = new PendingQuery(server, name, type);
        ushort id;
        do
        {
            id = (ushort)Random.Shared.Next(0, 65536);
        }
        while (!_pending.TryAdd(id, pending));
        try
        {
            byte[] query = new byte[MaxMessage];
            int length = DnsMessageWriter.WriteQuery(query, id, name, type);
            await socket.SendToAsync(query.AsMemory(0, length), SocketFlags.None, server, stop).ConfigureAwait(false);
            Interlocked.Increment(ref _queriesSent);
            return await pending.Answer.Task.WaitAsync(_options.QueryTimeout, stop).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        catch (SocketException)
        {
            return null;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task ReceiveLoopAsync(Socket socket)
    {
        byte[] buffer = new byte[MaxMessage];
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        byte[] nameBuffer = new byte[DnsMessageReader.MaxNameLength];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP port unreachable from a dead server surfaces here on some stacks; the query times out.
                continue;
            }
            ReadOnlySpan<byte> message = buffer.AsSpan(0, received.ReceivedBytes);
            if (!Matches(message, received.RemoteEndPoint, nameBuffer, out PendingQuery? pending))
            {
                continue;
            }
            pending.Answer.TrySetResult(message.ToArray());
        }
    }

    // An answer counts only from the server asked, with the id, name and type of the question: anything else is spoofed
    // or stale and is dropped.
    private bool Matches(ReadOnlySpan<byte> message, EndPoint from, byte[] nameBuffer, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PendingQuery? pending)
    {
        pending = null;
        var reader = new DnsMessageReader(message);
        if (!reader.HasHeader || !reader.Header.IsResponse || !_pending.TryGetValue(reader.Header.Id, out PendingQuery? candidate))
        {
            return false;
        }
        if (!candidate.Server.Equals(from) || !reader.TryReadQuestion(nameBuffer, out DnsQuestion question) || question.Type != candidate.Type)
        {
            return false;
        }
        ReadOnlySpan<byte> asked = nameBuffer.AsSpan(0, question.NameLength);
        if (asked.Length != candidate.Name.Length)
        {
            return false;
        }
        for (int i = 0; i < asked.Length; i++)
        {
            if (asked[i] != candidate.Name[i])
            {
                return false;
            }
        }
        pending = candidate;
        return true;
    }

    private sealed class PendingQuery(IPEndPoint server, string name, ushort type)
    {
        public IPEndPoint Server { get; } = server;

        public string Name { get; } = name;

        public ushort Type { get; } = type;

        public TaskCompletionSource<byte[]?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
