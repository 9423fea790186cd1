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

    private long _eventsRead;
    private long _alerts;
    private readonly Dictionary<Priority, long> _byPriority = [];

    /// <summary>Runs the rules over a capture file until its end or cancellation; returns the exit code.</summary>
    public int Replay(string capturePath, CancellationToken cancellation)
    {
        ScapReader reader = InspectCommand.OpenCapture(capturePath);
        OutputDispatcher outputs = OutputsFactory.Create(options, console, unbuffered);
        int exitCode = ExitCodes.Success;
        string? failure = null;
        ThreadTable? threads = null;
        using (reader)
        using (DnsSetup dns = DnsSetup.Start(options, engine, live: false, console.Error))
        {
            SystemState state = dns.State;
            threads = state.ThreadTable;
            var evt = new ScapEvent();
            var progress = new ProgressReporter(console.Error, "replay", reader.Length > ProgressThresholdBytes || verbose);
            Action<Alert> onAlert = alert => Publish(outputs, alert);
            try
            {
                reader.ReadHeader(state);
                while (!cancellation.IsCancellationRequested && reader.TryReadEvent(evt))
                {
                    _eventsRead++;
                    progress.Report(evt.Number, reader.Progress);
                    if (state.Process(evt))
                    {
                        engine.Evaluate(state.Context, onAlert);
                    }
                }
            }
            catch (ScapFormatException e)
            {
                // Every alert of the events before the fault is still delivered; then the run fails.
                failure = e.Message;
                exitCode = ExitCodes.Failure;
            }
            progress.Done();
        }
        Finish(outputs, threads);
        if (failure is not null)
        {
            console.Error.WriteLine($"falconet: {failure}");
        }
        return exitCode;
    }

    private void Publish(OutputDispatcher outputs, Alert alert)
    {
        _alerts++;
        _byPriority[alert.Priority] = _byPriority.GetValueOrDefault(alert.Priority) + 1;
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
        e.WriteLine($"Events detected: {_alerts}");
        e.WriteLine("Rule counts by severity:");
        foreach ((Priority p, long n) in _byPriority.OrderBy(kv => kv.Key))
        {
            e.WriteLine($"   {p.ToDisplayName().ToUpperInvariant()}: {n}");
        }
        e.WriteLine("Triggered rules by rule name:");
        foreach (ActiveRule rule in engine.Rules.Where(r => r.Matches > 0))
        {
            e.WriteLine($"   {rule.Rule.Name}: {rule.Matches}");
        }
        if (verbose || outputs.QueueDrops > 0 || outputs.DiscardedAtShutdown > 0 || captureLine is not null)
        {
            e.WriteLine($"Syscall events read: {_eventsRead}");
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
