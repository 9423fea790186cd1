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

    private readonly RunCounters _counters = new();
    private RunTelemetry? _telemetry;

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
        _telemetry = new RunTelemetry(_counters, engine, state, outputs, health, RulesLoadTime, RulesFiles);
        return OperationsHost.Start(options, _telemetry, outputs, live, console.Error);
    }

    /// <summary>Runs the rules over a capture file until its end or cancellation; returns the exit code.</summary>
    public int Replay(string capturePath, CancellationToken cancellation)
    {
        ScapReader reader = InspectCommand.OpenCapture(capturePath);
        OutputDispatcher outputs = OutputsFactory.Create(options, console, unbuffered);
        int exitCode = ExitCodes.Success;
        string? failure = null;
        using (reader)
        using (DnsSetup dns = DnsSetup.Start(options, engine, live: false, console.Error))
        using (OperationsHost operations = StartOperations(dns.State, outputs, live: false))
        {
            Falconet.Operations.HealthMonitor health = _telemetry!.Health;
            SystemState state = dns.State;
            var evt = new ScapEvent();
            var progress = new ProgressReporter(console.Error, "replay", reader.Length > ProgressThresholdBytes || verbose);
            Action<Alert> onAlert = alert => Publish(outputs, alert);
            try
            {
                reader.ReadHeader(state);
                health.Beat();
                while (!cancellation.IsCancellationRequested && reader.TryReadEvent(evt))
                {
                    long read = _counters.EventsRead + 1;
                    Volatile.Write(ref _counters.EventsRead, read);
                    if ((read & 0x3FF) == 0)
                    {
                        health.Beat();
                    }
                    progress.Report(evt.Number, reader.Progress);
                    if (state.Process(evt))
                    {
                        engine.Evaluate(state.Context, onAlert);
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
            operations.StopSnapshots();
            Finish(outputs);
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
        _counters.CountAlert(alert.Priority);
        outputs.TryEnqueue(alert);
    }

    private void Finish(OutputDispatcher outputs)
    {
        outputs.ShutdownAsync().GetAwaiter().GetResult();
        OutputStatistics stats = outputs.GetStatistics();
        outputs.DisposeAsync().AsTask().GetAwaiter().GetResult();
        WriteSummary(stats);
    }

    /// <summary>Falco's end-of-run summary, on stderr so that stdout carries only alerts.</summary>
    private void WriteSummary(OutputStatistics outputs, string? captureLine = null)
    {
        TextWriter e = console.Error;
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
        foreach (ActiveRule rule in engine.Rules.Where(r => r.Matches > 0))
        {
            e.WriteLine($"   {rule.Rule.Name}: {rule.Matches}");
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
