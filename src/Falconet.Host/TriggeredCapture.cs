using Falconet.Core.Alerts;
using Falconet.Core.Events;
using Falconet.Engine;
using Falconet.Host.Configuration;
using Falconet.Outputs;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.Host;

/// <summary>
/// Falco's rule-triggered captures (<c>capture.*</c> in the configuration, <c>capture</c>/<c>capture_duration</c> per
/// rule). Every event goes into an in-memory ring; when an eligible rule fires, a file
/// <c>&lt;path_prefix&gt;_&lt;event ns&gt;_&lt;event number&gt;.scap</c> is opened with the current state blocks, the ring's
/// events of the last <c>window_before_ms</c> (the triggering event included) and then every event until the
/// duration has passed in event time (later triggers extend it, the longest deadline wins) or the file reaches
/// <c>max_file_size_mb</c>. The alert names the file (<see cref="Alert.CaptureFile"/>). A write error ends that
/// capture with a message and never the detection.
/// </summary>
public sealed class TriggeredCapture : IDisposable
{
    private const double Megabyte = 1_000_000;

    private readonly SystemState _state;
    private readonly TextWriter _log;
    private readonly Action<Alert> _publishInternal;
    private readonly string _hostname;
    private readonly string _pathPrefix;
    private readonly bool _allRules;
    private readonly ulong _defaultDurationNs;
    private readonly ulong _windowNs;
    private readonly long _maxFileBytes;
    private readonly bool _compress;
    private readonly Dictionary<string, ulong?> _durationByRule = new(StringComparer.Ordinal);
    private readonly EventRing _ring;
    private readonly ScapEvent _scratch = new();
    private CaptureFileSet? _file;
    private ulong _deadlineNs;
    private ulong _eventNumber;
    private bool _exitEventsOnly;

    private TriggeredCapture(FalconetOptions options, RuleEngine engine, SystemState state, TextWriter log, Action<Alert> publishInternal)
    {
        _state = state;
        _log = log;
        _publishInternal = publishInternal;
        _hostname = options.Hostname;
        ConfigTree tree = options.Tree;
        _pathPrefix = tree.GetString("capture.path_prefix", "/tmp/falco")!;
        string mode = tree.GetString("capture.mode", "rules")!;
        if (mode is not ("rules" or "all_rules"))
        {
            throw new ConfigException($"configuration key capture.mode: '{mode}' must be rules or all_rules");
        }
        _allRules = mode == "all_rules";
        _defaultDurationNs = MillisecondsToNs(tree.GetInt64("capture.default_duration", 5000), "capture.default_duration");
        _windowNs = MillisecondsToNs(tree.GetInt64("capture.window_before_ms", 1000), "capture.window_before_ms");
        // Falco takes whole megabytes; fractions are accepted too.
        double maxMb = tree.GetDouble("capture.max_file_size_mb", 0);
        if (maxMb < 0)
        {
            throw new ConfigException($"configuration key capture.max_file_size_mb: {maxMb} must be 0 (no limit) or more");
        }
        _maxFileBytes = (long)(maxMb * Megabyte);
        long ringMb = tree.GetInt64("capture.ring_buffer_mb", 16);
        if (ringMb is < 1 or > 1024)
        {
            throw new ConfigException($"configuration key capture.ring_buffer_mb: {ringMb} must be between 1 and 1024");
        }
        _compress = tree.GetBool("capture.compress", false);
        _ring = new EventRing((int)(ringMb * 1024 * 1024), _windowNs);
        foreach (ActiveRule rule in engine.Rules)
        {
            if (_allRules || rule.Rule.Capture)
            {
                // capture_duration 0 means "the default".
                _durationByRule[rule.Rule.Name] = rule.Rule.CaptureDuration > 0 ? rule.Rule.CaptureDuration * 1_000_000UL : null;
            }
        }
    }

    /// <summary>The capture manager when <c>capture.enabled</c> is true, else null (no ring, no cost per event).</summary>
    /// <remarks><paramref name="live"/>: syscall enter events are left out (current layouts, exit events only, as current Falco writes).</remarks>
    public static TriggeredCapture? Create(FalconetOptions options, RuleEngine engine, SystemState state, TextWriter log, Action<Alert> publishInternal, bool live)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Tree.GetBool("capture.enabled", false)
            ? new TriggeredCapture(options, engine, state, log, publishInternal) { _exitEventsOnly = live }
            : null;
    }

    /// <summary>The files written so far.</summary>
    public List<string> FilesWritten { get; } = [];

    /// <summary>Called with every event as read, before the state engine changes it.</summary>
    public void Record(ScapEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        _eventNumber++;
        if (_exitEventsOnly && CaptureRecorder.IsSyscallEnter(evt))
        {
            return;
        }
        _ring.Add(evt);
        if (_file is null)
        {
            return;
        }
        if (evt.Timestamp > _deadlineNs)
        {
            Close();
            return;
        }
        Write(evt);
    }

    /// <summary>
    /// Called with each alert on the event thread: when its rule triggers captures, starts a capture (or extends the
    /// running one) and returns the alert naming the file.
    /// </summary>
    public Alert OnAlert(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (alert.Source == AlertFormatter.InternalSource || !_durationByRule.TryGetValue(alert.Rule, out ulong? duration))
        {
            return alert;
        }
        ulong deadline = alert.TimestampNs + (duration ?? _defaultDurationNs);
        if (_file is null)
        {
            // The file may already be complete when Start returns (the window alone reached the size limit); the
            // alert still names it.
            string? started = Start(alert.TimestampNs);
            _deadlineNs = deadline;
            return started is null ? alert : alert with { CaptureFile = started };
        }
        _deadlineNs = Math.Max(_deadlineNs, deadline);
        return _file.CurrentPath is { } path ? alert with { CaptureFile = path } : alert;
    }

    /// <summary>Completes the running capture (end of the run).</summary>
    public void Dispose() => Close();

    /// <summary>Opens a capture file with the state blocks and the window; returns its path, null when it could not be written.</summary>
    private string? Start(ulong triggerNs)
    {
        string path = $"{_pathPrefix}_{triggerNs:D20}_{_eventNumber:D20}.scap";
        var file = new CaptureFileSet(path, _compress);
        try
        {
            var header = new ScapSnapshot();
            SnapshotExporter.Export(_state, header);
            file.Start(header);
            _file = file;
            FilesWritten.Add(path);
            _deadlineNs = 0;
            ulong from = triggerNs > _windowNs ? triggerNs - _windowNs : 0;
            _ring.ForEach(from, _scratch, Write);
            return path;
        }
        catch (CaptureWriteException e)
        {
            _log.WriteLine($"falconet: capture stopped: {e.Message}");
            _file = file;
            Close();
            return null;
        }
        catch (ArgumentException e)
        {
            _log.WriteLine($"falconet: capture not started: {e.Message}");
            _file = file;
            Close();
            return null;
        }
    }

    private void Write(ScapEvent evt)
    {
        if (_file is null)
        {
            return;
        }
        try
        {
            _file.Write(evt);
        }
        catch (CaptureWriteException e)
        {
            _log.WriteLine($"falconet: capture stopped: {e.Message}");
            Close();
            return;
        }
        catch (ArgumentException e)
        {
            // An event no reader could take (e.g. a parameter over the u16 limit) is left out, not the capture.
            _log.WriteLine($"falconet: capture: event left out: {e.Message}");
            return;
        }
        if (_maxFileBytes > 0 && _file.BytesWritten >= _maxFileBytes)
        {
            string path = _file.CurrentPath ?? "";
            Close();
            _publishInternal(InternalAlerts.Create(evt.Timestamp, Priority.Informational, InternalAlerts.CaptureSizeLimitRule,
                $"Falco internal: capture size limit reached ({_maxFileBytes / Megabyte} MB): {path}",
                [new("capture_file", path), new("max_file_size_mb", _maxFileBytes / Megabyte)], _hostname));
        }
    }

    private void Close()
    {
        CaptureFileSet? file = _file;
        _file = null;
        try
        {
            file?.Dispose();
        }
        catch (CaptureWriteException e)
        {
            _log.WriteLine($"falconet: capture stopped: {e.Message}");
        }
    }

    private static ulong MillisecondsToNs(long ms, string key) => ms >= 0
        ? (ulong)ms * 1_000_000UL
        : throw new ConfigException($"configuration key {key}: {ms} must be 0 or more (milliseconds)");
}
