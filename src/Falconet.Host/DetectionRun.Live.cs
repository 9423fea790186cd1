using System.Diagnostics;
using Falconet.Capture.Bpf;
using Falconet.Core.Alerts;
using Falconet.Core.Events;
using Falconet.Outputs;
using Falconet.State;

namespace Falconet.Host;

public sealed partial class DetectionRun
{
    /// <summary>
    /// System calls the state engine needs whatever the rules say: without them, process names, fds and socket
    /// tuples go stale and rules see wrong values.
    /// </summary>
    private static readonly string[] s_stateSyscalls =
    [
        "clone", "clone3", "fork", "vfork", "execve", "execveat", LiveSyscalls.ProcessExit,
        "close", "dup", "dup2", "dup3", "socket", "socketpair", "connect", "accept", "accept4", "bind",
        "open", "openat", "openat2", "creat", "pipe", "pipe2", "sendto", "sendmsg", "recvfrom", "recvmsg",
    ];

    /// <summary>The system calls state needs whatever the rules say (also recorded by a filtered live capture).</summary>
    internal static IReadOnlyList<string> StateSyscalls => s_stateSyscalls;
    /// <summary>The loaded rules, whose flagship allowlist <c>enforcement.mode</c> audit or enforce applies in the kernel.</summary>
    public Falconet.Rules.Loading.RuleSet? Rules { get; init; }

    /// <summary>The DNS resolvers enforcement exempts (port 53) and trusts for answers: dns.servers, else resolv.conf's.</summary>
    public IReadOnlyList<System.Net.IPAddress> Resolvers { get; init; } = [];

    /// <summary>
    /// The running enforcement of a live run (null when enforcement.mode is off or no live run is going). Only the
    /// event thread uses it; <c>/metrics</c> reads the copy of its counters the event thread makes every loop turn.
    /// </summary>
    public EnforcementSetup? Enforcement { get; private set; }

    /// <summary>Live detection: eBPF capture, /proc snapshot, rules, until cancelled or -M expires.</summary>
    public int Live(int? durationSeconds, CancellationToken cancellation)
    {
        if (LiveCapture.CheckPrivileges() is string problem)
        {
            throw new UserFacingException(problem);
        }
        IReadOnlyCollection<string> syscalls = SyscallsFor(_engine);
        _capturedSyscalls = syscalls;
        using DnsSetup dns = DnsSetup.Start(options, _engine, live: true, console.Error);
        SystemState state = dns.State;
        OutputDispatcher outputs = OutputsFactory.Create(options, console, unbuffered);
        using OperationsHost operations = StartOperations(state, outputs, live: true);
        Falconet.Operations.HealthMonitor health = _telemetry!.Health;
        var drops = new DropMonitor(options, console, alert => Publish(outputs, alert), health);
        EnforcementSetup? enforcement;
        try
        {
            enforcement = EnforcementSetup.Start(options, Rules, Resolvers, console.Error);
        }
        catch
        {
            outputs.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        using EnforcementSetup? enforcementScope = enforcement;
        Enforcement = enforcement;
        string? enforcementLine = null;
        LiveCaptureStats stats;
        string? failure = null;
        using (CancellationTokenSource stop = LiveCaptureStart.StopSource(durationSeconds, cancellation))
        {
            LiveCapture capture;
            try
            {
                // DNS answers feed fd.*ip.name: receives on port-53 sockets are captured even when no rule asks
                capture = LiveCaptureStart.Open(options, syscalls, state, observeDns: options.Dns.Mode != Falconet.Dns.DnsMode.Resolve);
            }
            catch
            {
                outputs.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw;
            }
            using (capture)
            using (TriggeredCapture? captures = TriggeredCapture.Create(options, _engine, state, console.Error, alert => Publish(outputs, alert), live: true))
            {
                _captures = captures;
                // Ready for systemd (Type=notify) once the probe is attached and the /proc snapshot loaded.
                Falconet.Operations.SystemdNotifier.Notify($"READY=1\nSTATUS=capturing {syscalls.Count} system calls with {_engine.Rules.Count} rules");
                if (verbose)
                {
                    console.Error.WriteLine($"falconet: live capture of {syscalls.Count} system calls; {_engine.Rules.Count} rules enabled");
                }
                Action<Alert> onAlert = alert => Publish(outputs, alert);
                Action<ScapEvent> consumer = evt =>
                {
                    Volatile.Write(ref _counters.EventsRead, _counters.EventsRead + 1);
                    if (Volatile.Read(ref _pending) is not null)
                    {
                        TakeOverPending();
                    }
                    _captures?.Record(evt);
                    if (state.Process(evt))
                    {
                        _engine.Evaluate(state.Context, onAlert);
                    }
                };
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        capture.Poll(consumer, TimeSpan.FromMilliseconds(100));
                        if (enforcement is not null)
                        {
                            enforcement.Poll(onAlert);
                            _counters.SetEnforcementStats(enforcement.Enforcer.Mode, enforcement.Enforcer.ReadCounters());
                        }
                        health.Beat();
                        LiveCaptureStats current = capture.GetStats();
                        _counters.SetKernelStats(current);
                        if (drops.Check(current))
                        {
                            break;
                        }
                    }
                    capture.Stop();
                    capture.Poll(consumer, TimeSpan.Zero);
                    enforcement?.Poll(onAlert);
                }
                catch (LiveCaptureException e)
                {
                    // The ring buffer or the stats map failed mid-run: the alerts so far are still delivered and
                    // the summary written, then the run fails with one line.
                    failure = e.Message;
                    health.Fail("live capture failed: " + e.Message);
                    capture.Stop();
                }
                stats = GetStatsOrEmpty(capture);
                if (enforcement is not null)
                {
                    _counters.SetEnforcementStats(enforcement.Enforcer.Mode, enforcement.Enforcer.ReadCounters());
                    enforcementLine = enforcement.SummaryLine();
                }
                Enforcement = null;
                _counters.SetKernelStats(stats);
            }
        }
        Falconet.Operations.SystemdNotifier.Notify("STOPPING=1");
        operations.StopSnapshots();
        StopReloads();
        outputs.ShutdownAsync().GetAwaiter().GetResult();
        OutputStatistics outputStats = outputs.GetStatistics();
        outputs.DisposeAsync().AsTask().GetAwaiter().GetResult();
        WriteSummary(outputStats, state.ThreadTable,
            $"Kernel events: {stats.Produced} produced, {stats.Received} received, {stats.Dropped} dropped ({stats.DroppedRingFull} ring full, {stats.DroppedOther} other), {stats.DecodeErrors} undecodable"
            + (enforcementLine is null ? "" : Environment.NewLine + enforcementLine));
        if (failure is not null)
        {
            console.Error.WriteLine($"falconet: live capture failed: {failure}");
        }
        AfterSummary?.Invoke(operations.BaseAddress);
        if (failure is not null)
        {
            return ExitCodes.Failure;
        }
        return drops.ExitRequested ? ExitCodes.Failure : ExitCodes.Success;
    }

    /// <summary>The capture's counters, or zeros when even the stats map cannot be read any more.</summary>
    private static LiveCaptureStats GetStatsOrEmpty(LiveCapture capture)
    {
        try
        {
            return capture.GetStats();
        }
        catch (LiveCaptureException)
        {
            return default;
        }
    }

    private IReadOnlyCollection<string>? _capturedSyscalls;

    /// <summary>
    /// The system calls a reloaded engine would need that the running live capture does not deliver (its kernel-side
    /// filter is set when it opens); empty for a replay.
    /// </summary>
    public IReadOnlyList<string> SyscallsMissingFor(Engine.RuleEngine next)
    {
        ArgumentNullException.ThrowIfNull(next);
        IReadOnlyCollection<string>? captured = Volatile.Read(ref _capturedSyscalls);
        return captured is null ? [] : [.. SyscallsFor(next).Where(s => !captured.Contains(s)).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Kernel-side filtering: only the system calls the loaded rules can match, plus those state needs.
    /// A rule that does not restrict evt.type needs them all.
    /// </summary>
    public static IReadOnlyCollection<string> SyscallsFor(Engine.RuleEngine engine)
    {
        var names = new HashSet<string>(s_stateSyscalls.Where(LiveSyscalls.IsSupported), StringComparer.Ordinal);
        foreach (ushort type in engine.InterestingEventTypes())
        {
            string name = EventTable.Get(type).Name;
            if (LiveSyscalls.IsSupported(name))
            {
                names.Add(name);
            }
        }
        return names;
    }

    /// <summary>
    /// Falco's syscall_event_drops: every second, the share of kernel events lost in that second; above the threshold
    /// the configured actions run (log, alert, exit), the alert rate-limited by a token bucket.
    /// </summary>
    private sealed class DropMonitor(Configuration.FalconetOptions options, ConsoleStreams console, Action<Alert> alert, Falconet.Operations.HealthMonitor health)
    {
        private readonly double _threshold = options.Tree.GetDouble("syscall_event_drops.threshold", 0.1);
        private readonly double _rate = options.Tree.GetDouble("syscall_event_drops.rate", 0.03333);
        private readonly double _maxBurst = options.Tree.GetDouble("syscall_event_drops.max_burst", 1);
        private readonly IReadOnlyList<string> _actions = options.Tree.GetStringList("syscall_event_drops.actions") ?? ["log", "alert"];
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _lastCheck;
        private ulong _lastProduced;
        private ulong _lastDropped;
        private double _tokens = options.Tree.GetDouble("syscall_event_drops.max_burst", 1);
        private TimeSpan _lastRefill;

        public bool ExitRequested { get; private set; }

        /// <summary>Returns true when the configured action is to exit.</summary>
        public bool Check(LiveCaptureStats stats)
        {
            TimeSpan now = _clock.Elapsed;
            if (now - _lastCheck < TimeSpan.FromSeconds(1))
            {
                return false;
            }
            _lastCheck = now;
            ulong produced = stats.Produced - _lastProduced;
            ulong dropped = stats.Dropped - _lastDropped;
            _lastProduced = stats.Produced;
            _lastDropped = stats.Dropped;
            health.ReportDrops(dropped, produced);
            if (dropped == 0 || produced == 0 || (double)dropped / produced <= _threshold || _actions.Contains("ignore"))
            {
                return false;
            }
            _tokens = Math.Min(_maxBurst, _tokens + (now - _lastRefill).TotalSeconds * _rate);
            _lastRefill = now;
            if (_tokens < 1)
            {
                return false;
            }
            _tokens -= 1;
            string message = "Falco internal: syscall event drop. " + dropped + " system calls dropped in last second.";
            if (_actions.Contains("log"))
            {
                console.Error.WriteLine("falconet: " + message);
            }
            if (_actions.Contains("alert"))
            {
                ulong nowNs = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
                alert(InternalAlerts.Create(nowNs, Priority.Debug, InternalAlerts.SyscallEventDropRule, message,
                [
                    new("n_drops", (long)dropped),
                    new("n_evts", (long)produced),
                    new("n_drops_buffer_total", (long)stats.DroppedRingFull),
                    new("n_drops_pf", (long)stats.DroppedOther),
                    new("ebpf_enabled", 1),
                ], options.Hostname));
            }
            if (_actions.Contains("exit"))
            {
                ExitRequested = true;
                return true;
            }
            return false;
        }
    }
}
