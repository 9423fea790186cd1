using Falconet.Core.Alerts;
using Falconet.Core.Events;
using Falconet.Engine;
using Falconet.Host.Configuration;
using Falconet.Outputs;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.Host;

/// <summary>
/// One detection run: events from a capture or from the kernel go through the state engine and the rules;
/// alerts go to the output queue. The loop itself never waits on outputs.
/// </summary>
public sealed partial class DetectionRun(FalconetOptions options, RuleEngine engine, ConsoleStreams console, bool unbuffered, bool verbose)
{
    private const long ProgressThresholdBytes = 8 * 1024 * 1024;

    private TriggeredCapture? _captures;
    private readonly RunCounters _counters = new();
    private RunTelemetry? _telemetry;
    private RulesInUse? _rules;
    // The event loop runs this engine; a reload swaps it between two events (see TakeOverPending).
    private RuleEngine _engine = engine;
    private ReloadedRules? _pending;
    private readonly Lock _reloadLock = new();
    private OutputDispatcher? _reloadOutputs;

    /// <summary>Reload requests (SIGHUP, watched files); null: the run never reloads.</summary>
    public ReloadTrigger? Reloads { get; init; }

    /// <summary>Loads the rules and configuration again, on a background thread; required with <see cref="Reloads"/>.</summary>
    public Func<ReloadedRules>? Reloader { get; init; }

    /// <summary>How long loading the rules took, for <c>/metrics</c>.</summary>
    public TimeSpan RulesLoadTime { get; init; }

    /// <summary>The loaded rules files and their digests, for <c>/versions</c> and <c>/metrics</c>.</summary>
    public IReadOnlyList<RulesFileDigest> RulesFiles { get; init; } = [];

    /// <summary>
    /// Called after the end-of-run summary while the web server still serves, with its address (null when it is off):
    /// an embedding program or a test can read the final <c>/metrics</c> and <c>/healthz</c>.
    /// </summary>
    public Action<Uri?>? AfterSummary { get; init; }

    private OperationsHost StartOperations(SystemState state, OutputDispatcher outputs, bool live)
    {
        _counters.Live = live;
        var health = new Falconet.Operations.HealthMonitor(options.Operations.StallTimeout, options.Operations.MaxDropRatio);
        _rules = new RulesInUse(_engine, RulesLoadTime, RulesFiles);
        _telemetry = new RunTelemetry(_counters, _rules, state, outputs, health);
        OperationsHost host = OperationsHost.Start(options, _telemetry, outputs, live, console.Error);
        if (Reloads is not null)
        {
            _reloadOutputs = outputs;
            Reloads.Requested += OnReloadRequested;
        }
        return host;
    }

    private void StopReloads()
    {
        if (Reloads is not null)
        {
            Reloads.Requested -= OnReloadRequested;
        }
        lock (_reloadLock)
        {
            // A reload under way finishes before the outputs close; none starts after this.
            _reloadOutputs = null;
        }
    }

    /// <summary>
    /// SIGHUP or a watched change: file outputs reopen (log rotation), and the rules and configuration load again on
    /// the thread pool, beside the running ones. A set with errors is logged and rejected; a valid one waits in
    /// <see cref="_pending"/> for the event thread to take it over between two events.
    /// </summary>
    private void OnReloadRequested(string reason) => ThreadPool.QueueUserWorkItem(_ =>
    {
        lock (_reloadLock)
        {
            OutputDispatcher? outputs = _reloadOutputs;
            if (outputs is null)
            {
                return;
            }
            outputs.RequestReopen();
            if (Reloader is null)
            {
                return;
            }
            ReloadedRules result;
            try
            {
                result = Reloader();
            }
            catch (Exception e) when (e is UserFacingException or Configuration.ConfigException or IOException or UnauthorizedAccessException)
            {
                result = new ReloadedRules(null, e.Message, TimeSpan.Zero, [], []);
            }
            if (result.Engine is null)
            {
                _rules!.CountFailure();
                console.Error.WriteLine($"falconet: reload ({reason}) rejected, the running rules stay in force:\n{result.Errors}");
                ulong nowNs = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
                outputs.TryEnqueue(InternalAlerts.Create(nowNs, Priority.Critical, InternalAlerts.HotRestartFailureRule,
                    "Falco internal: hot restart failure", [new("reason", reason), new("errors", result.Errors)], options.Hostname));
                return;
            }
            foreach (string note in result.Notes)
            {
                console.Error.WriteLine("falconet: warning: " + note);
            }
            Volatile.Write(ref _pending, result);
            console.Error.WriteLine($"falconet: reload ({reason}): {result.Engine.Rules.Count} rules loaded; they take over at the next event");
        }
    });

    /// <summary>On the event thread, between two events: a loaded set takes over; no event is seen by both or neither.</summary>
    private void TakeOverPending()
    {
        ReloadedRules? next = Interlocked.Exchange(ref _pending, null);
        if (next?.Engine is null)
        {
            return;
        }
        _rules!.TakeOver(next.Engine, next.LoadTime, next.Files);
        _engine = next.Engine;
        if (Enforcement is { } enforcement && next.Rules is { } rules)
        {
            // The kernel policy follows the rules: written into the inactive generation and switched in one update.
            enforcement.UpdatePolicy(rules, Resolvers, console.Error);
        }
    }

    /// <summary>Runs the rules over a capture file until its end or cancellation; returns the exit code.</summary>
    public int Replay(string capturePath, CancellationToken cancellation)
    {
        ScapReader reader = InspectCommand.OpenCapture(capturePath);
        if (EnforcementConfig.Read(options.Tree).Mode != Falconet.Enforcement.EnforcementMode.Off)
        {
            console.Error.WriteLine("falconet: enforcement.mode applies to live runs only: this replay enforces nothing");
        }
        OutputDispatcher outputs = OutputsFactory.Create(options, console, unbuffered);
        int exitCode = ExitCodes.Success;
        string? failure = null;
        ThreadTable? threads = null;
        using (reader)
        using (DnsSetup dns = DnsSetup.Start(options, _engine, live: false, console.Error))
        using (OperationsHost operations = StartOperations(dns.State, outputs, live: false))
        {
            Falconet.Operations.HealthMonitor health = _telemetry!.Health;
            SystemState state = dns.State;
            threads = state.ThreadTable;
            var evt = new ScapEvent();
            var progress = new ProgressReporter(console.Error, "replay", reader.Length > ProgressThresholdBytes || verbose);
            using TriggeredCapture? captures = TriggeredCapture.Create(options, _engine, state, console.Error, alert => Publish(outputs, alert), live: false);
            _captures = captures;
            Action<Alert> onAlert = alert => Publish(outputs, alert);
            try
            {
                reader.ReadHeader(state);
                health.Beat();
                Falconet.Operations.SystemdNotifier.Notify($"READY=1\nSTATUS=replaying {capturePath} with {_engine.Rules.Count} rules");
                while (!cancellation.IsCancellationRequested && reader.TryReadEvent(evt))
                {
                    long read = _counters.EventsRead + 1;
                    Volatile.Write(ref _counters.EventsRead, read);
                    if ((read & 0x3FF) == 0)
                    {
                        health.Beat();
                    }
                    if ((evt.Number & ProgressReporter.EventMask) == 0)
                    {
                        // Progress reads the file position: not on every event.
                        progress.Report(evt.Number, reader.Progress);
                    }
                    if (Volatile.Read(ref _pending) is not null)
                    {
                        TakeOverPending();
                    }
                    captures?.Record(evt);
                    if (state.Process(evt))
                    {
                        _engine.Evaluate(state.Context, onAlert);
                    }
                }
                health.Beat();
                health.Finish();
            }
            catch (ScapFormatException e)
            {
                // Every alert of the events before the fault is still delivered; then the run fails.
                failure = e.Message;
                exitCode = ExitCodes.Failure;
                health.Fail("the capture is unreadable: " + e.Message);
            }
            progress.Done();
            Falconet.Operations.SystemdNotifier.Notify("STOPPING=1");
            operations.StopSnapshots();
            StopReloads();
            Finish(outputs, threads);
            if (failure is not null)
            {
                console.Error.WriteLine($"falconet: {failure}");
            }
            AfterSummary?.Invoke(operations.BaseAddress);
        }
        return exitCode;
    }

    private void Publish(OutputDispatcher outputs, Alert alert)
    {
        if (_captures is { } captures)
        {
            alert = captures.OnAlert(alert);
        }
        _counters.CountAlert(alert.Priority);
        outputs.TryEnqueue(alert);
    }

    private void Finish(OutputDispatcher outputs, ThreadTable? threads)
    {
        outputs.ShutdownAsync().GetAwaiter().GetResult();
        OutputStatistics stats = outputs.GetStatistics();
        outputs.DisposeAsync().AsTask().GetAwaiter().GetResult();
        WriteSummary(stats, threads);
    }

    /// <summary>Falco's end-of-run summary, on stderr so that stdout carries only alerts.</summary>
    private void WriteSummary(OutputStatistics outputs, ThreadTable? threads, string? captureLine = null)
    {
        TextWriter e = console.Error;
        if (threads is { Evictions: > 0 })
        {
            e.WriteLine($"falconet: the thread table was full ({threads.Capacity} threads, falco_libs.thread_table_size): {threads.Evictions} oldest threads evicted");
        }
        e.WriteLine($"Events detected: {_counters.Alerts}");
        e.WriteLine("Rule counts by severity:");
        for (int p = 0; p < _counters.AlertsByPriority.Length; p++)
        {
            if (_counters.AlertsByPriority[p] > 0)
            {
                e.WriteLine($"   {((Priority)p).ToDisplayName().ToUpperInvariant()}: {_counters.AlertsByPriority[p]}");
            }
        }
        e.WriteLine("Triggered rules by rule name:");
        foreach ((string name, _, long n) in RulesInUse.MatchesByRule(_rules?.Current ?? new RulesInUse(_engine, TimeSpan.Zero, []).Current))
        {
            e.WriteLine($"   {name}: {n}");
        }
        if (verbose || outputs.QueueDrops > 0 || outputs.DiscardedAtShutdown > 0 || captureLine is not null)
        {
            e.WriteLine($"Syscall events read: {_counters.EventsRead}");
            if (captureLine is not null)
            {
                e.WriteLine(captureLine);
            }
            e.WriteLine($"Outputs: {outputs.Enqueued} queued, {outputs.QueueDrops} dropped (queue full), {outputs.DiscardedAtShutdown} discarded at shutdown");
            foreach (SinkStatistics s in outputs.Sinks)
            {
                e.WriteLine($"   {s.Name}: {s.Delivered} delivered, {s.Failed} failed");
            }
        }
    }
}
