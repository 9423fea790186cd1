using System.Diagnostics;
using Falconet.Capture.Bpf;
using Falconet.Core.Events;
using Falconet.Core.Snapshot;
using Falconet.Host.Configuration;
using Falconet.Rules.Conditions;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.Host;

/// <summary>
/// <c>falconet capture -w OUT.scap</c>: records live events with the eBPF probe, or re-writes a capture (<c>-e</c>),
/// keeping only the events that match a Falco condition when one is given. Files are written in the profile both
/// sysdig 0.29.3 and current Falco read; a filtered file starts with the state (threads, fds, users) its events
/// refer to, as of its first event. Limits: time (<c>-M</c>), events (<c>-n</c>), total size (<c>-S</c>); rotation by
/// size into numbered files (<c>-C</c>, <c>-W</c>). A write error (disk full) ends the run with exit code 1; the
/// file keeps every complete block written before it.
/// </summary>
public static class CaptureCommand
{
    private const double Megabyte = 1_000_000;
    private const long ProgressThresholdBytes = 8 * 1024 * 1024;

    /// <summary>Runs the recording; returns the exit code.</summary>
    public static int Run(CaptureRequest request, ConsoleStreams console, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(console);
        Validate(request);
        CompiledCondition? filter = request.Filter is { Length: > 0 } condition ? ConditionFilter.CompileCondition(condition) : null;
        FalconetOptions options;
        try
        {
            options = FalconetCommands.LoadConfiguration(request.ConfigFile, request.Overrides);
        }
        catch (ConfigException e)
        {
            throw new UserFacingException(e.Message);
        }
        string? failure = null;
        long eventsRead = 0;
        var files = new CaptureFileSet(request.OutputPath, request.Compress,
            (long)((request.RotateMegabytes ?? 0) * Megabyte), request.MaxFiles ?? 0, (long)((request.MaxSizeMegabytes ?? 0) * Megabyte));
        string stopReason = "end of input";
        try
        {
            try
            {
                stopReason = request.InputCapture is { } input
                    ? Rewrite(request, input, filter, options, files, console, cancellation, out eventsRead)
                    : Live(request, filter, options, files, console, cancellation, out eventsRead);
            }
            finally
            {
                files.Dispose();
            }
        }
        catch (CaptureWriteException e)
        {
            failure = e.Message;
        }
        catch (ScapFormatException e)
        {
            failure = e.Message;
        }
        if (failure is not null)
        {
            console.Error.WriteLine($"falconet: {failure}");
            console.Error.WriteLine($"falconet: {files.EventsWritten} events were written before the error; the file is readable up to its last complete block");
            return ExitCodes.Failure;
        }
        if (files.EventsWritten == 0)
        {
            console.Error.WriteLine($"falconet: no event {(filter is null ? "was recorded" : "matched the filter")}; nothing written to {request.OutputPath}");
            return ExitCodes.Success;
        }
        string written = files.Files.Count == 1 ? files.Files.First() : $"{files.Files.Count} files ({files.Files.First()} … {files.Files.Last()})";
        console.Error.WriteLine($"falconet: {files.EventsWritten} of {eventsRead} events written to {written}, {files.BytesWritten} bytes ({stopReason})");
        return ExitCodes.Success;
    }

    private static void Validate(CaptureRequest request)
    {
        if (string.IsNullOrEmpty(request.OutputPath))
        {
            throw new UserFacingException("capture needs -w FILE");
        }
        if (request.InputCapture is { } input && Path.GetFullPath(input) == Path.GetFullPath(request.OutputPath))
        {
            throw new UserFacingException($"-w {request.OutputPath} would overwrite the input capture");
        }
        if (request.DurationSeconds is <= 0 || request.MaxEvents is <= 0 || request.MaxSizeMegabytes is <= 0
            || request.RotateMegabytes is <= 0 || request.MaxFiles is <= 0)
        {
            throw new UserFacingException("-M, -n, -S, -C and -W take numbers greater than 0");
        }
        if (request.MaxFiles is not null && request.RotateMegabytes is null)
        {
            throw new UserFacingException("-W (files to keep) needs -C (rotation size)");
        }
        string? directory = Path.GetDirectoryName(Path.GetFullPath(request.OutputPath));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new UserFacingException($"cannot write {request.OutputPath}: directory {directory} does not exist");
        }
    }

    private static string Rewrite(CaptureRequest request, string input, CompiledCondition? filter, FalconetOptions options,
        CaptureFileSet files, ConsoleStreams console, CancellationToken cancellation, out long eventsRead)
    {
        ulong limitNs = request.DurationSeconds is int s ? (ulong)s * 1_000_000_000UL : ulong.MaxValue;
        // A filtered re-write of a file reads it twice: first to learn which events match (and the threads they
        // run on), then to write them with the state as it was just before the first of them.
        KeptEvents? kept = filter is not null && input != InspectCommand.StandardInputPath
            ? FindKeptEvents(input, filter, options, limitNs, request.MaxEvents, cancellation)
            : null;
        ScapReader reader = InspectCommand.OpenCapture(input);
        using (reader)
        {
            var state = new SystemState(options.Dns.StoreOptions);
            var header = new ScapSnapshot();
            CaptureRecorder recorder = new(state, files, exitEventsOnly: false)
            {
                IncludeTid = kept?.IncludeTid(state),
            };
            var sink = new TeeSink(header, state, recorder);
            reader.ReadHeader(sink);
            if (filter is null)
            {
                recorder.UseInputHeader(header);
            }
            var evt = new ScapEvent();
            var progress = new ProgressReporter(console.Error, "capture", reader.Length > ProgressThresholdBytes || request.Verbose);
            ulong? firstTs = null;
            eventsRead = 0;
            while (reader.TryReadEvent(evt))
            {
                if (cancellation.IsCancellationRequested)
                {
                    return "interrupted";
                }
                eventsRead++;
                progress.Report(evt.SourceIndex, reader.Progress);
                firstTs ??= evt.Timestamp;
                if (evt.Timestamp - firstTs.Value > limitNs && evt.Timestamp > firstTs.Value)
                {
                    progress.Done();
                    return $"-M {request.DurationSeconds} s of event time";
                }
                if (kept is not null)
                {
                    recorder.RecordSelected(evt, kept.Contains(evt.SourceIndex));
                }
                else if (filter is not null)
                {
                    recorder.RecordMatching(evt, filter.Evaluate);
                }
                else
                {
                    recorder.RecordAll(evt);
                }
                if (LimitHit(request, files) is { } limit)
                {
                    progress.Done();
                    return limit;
                }
            }
            progress.Done();
            return "end of input";
        }
    }

    private static string? LimitHit(CaptureRequest request, CaptureFileSet files)
    {
        if (request.MaxEvents is long max && files.EventsWritten >= max)
        {
            return $"-n {max} events";
        }
        if (files.LimitReached)
        {
            return $"-S {request.MaxSizeMegabytes} MB";
        }
        return null;
    }

    /// <summary>The first pass of a filtered re-write: which events match, and on which threads.</summary>
    private static KeptEvents FindKeptEvents(string input, CompiledCondition filter, FalconetOptions options, ulong limitNs,
        long? maxEvents, CancellationToken cancellation)
    {
        var kept = new KeptEvents();
        using ScapReader reader = InspectCommand.OpenCapture(input);
        var state = new SystemState(options.Dns.StoreOptions);
        reader.ReadHeader(state);
        var evt = new ScapEvent();
        ulong? firstTs = null;
        while (!cancellation.IsCancellationRequested && reader.TryReadEvent(evt))
        {
            firstTs ??= evt.Timestamp;
            if (evt.Timestamp > firstTs.Value && evt.Timestamp - firstTs.Value > limitNs)
            {
                break;
            }
            long tid = evt.ThreadId;
            ulong index = evt.SourceIndex;
            if (state.Process(evt) && filter.Evaluate(state.Context))
            {
                kept.Add(index, tid);
                if (maxEvents is long max && kept.Count >= max)
                {
                    break;
                }
            }
        }
        return kept;
    }

    private static string Live(CaptureRequest request, CompiledCondition? filter, FalconetOptions options, CaptureFileSet files,
        ConsoleStreams console, CancellationToken cancellation, out long eventsRead)
    {
        if (LiveCapture.CheckPrivileges() is string problem)
        {
            throw new UserFacingException(problem);
        }
        var state = new SystemState(options.Dns.StoreOptions);
        var recorder = new CaptureRecorder(state, files, exitEventsOnly: true);
        IReadOnlyCollection<string> syscalls = SyscallsFor(filter);
        // The recorder's own writes are not recorded (each would produce more); DNS answers go into the file so that a
        // replay can name addresses (fd.*ip.name) as the live run did.
        LiveCapture capture = LiveCaptureStart.Open(options, syscalls, state, observeDns: true);
        long read = 0;
        string stopReason = "interrupted";
        using (capture)
        using (CancellationTokenSource stop = LiveCaptureStart.StopSource(request.DurationSeconds, cancellation))
        {
            console.Error.WriteLine($"falconet: recording {syscalls.Count} system calls to {request.OutputPath}{(filter is null ? "" : " (filtered)")}");
            if (filter is null)
            {
                // The /proc snapshot as it is now: the first file starts with it even before any event comes.
                files.Start(ExportAll(state));
            }
            string? limit = null;
            Func<EventContext, bool>? evaluate = filter is null ? null : filter.Evaluate;
            Action<ScapEvent> consumer = evt =>
            {
                if (limit is not null)
                {
                    return;
                }
                read++;
                if (evaluate is null)
                {
                    recorder.RecordAll(evt);
                }
                else
                {
                    recorder.RecordMatching(evt, evaluate);
                }
                limit = LimitHit(request, files);
            };
            var clock = Stopwatch.StartNew();
            // A recording is a long run: progress every 10 s (every second with -v).
            TimeSpan interval = TimeSpan.FromSeconds(request.Verbose ? 1 : 10);
            TimeSpan nextProgress = interval;
            try
            {
                while (!stop.IsCancellationRequested && limit is null)
                {
                    capture.Poll(consumer, TimeSpan.FromMilliseconds(100));
                    if (clock.Elapsed >= nextProgress)
                    {
                        nextProgress = clock.Elapsed + interval;
                        files.Flush();
                        console.Error.WriteLine($"capture: {read:N0} events read, {files.EventsWritten:N0} written, {files.BytesWritten:N0} bytes, {clock.Elapsed.TotalSeconds:0}s");
                    }
                }
                capture.Stop();
                if (limit is null)
                {
                    capture.Poll(consumer, TimeSpan.Zero);
                }
            }
            catch (LiveCaptureException e)
            {
                capture.Stop();
                throw new UserFacingException($"live capture failed: {e.Message}");
            }
            LiveCaptureStats stats = capture.GetStats();
            console.Error.WriteLine($"falconet: kernel events: {stats.Produced} produced, {stats.Received} received, {stats.Dropped} dropped");
            stopReason = limit ?? (cancellation.IsCancellationRequested ? "interrupted" : request.DurationSeconds is int d ? $"-M {d} s" : "stopped");
        }
        eventsRead = read;
        return stopReason;
    }

    private static ScapSnapshot ExportAll(SystemState state)
    {
        var snapshot = new ScapSnapshot();
        SnapshotExporter.Export(state, snapshot);
        return snapshot;
    }

    /// <summary>Everything the probe supports, or with a filter the calls it can match plus those state needs.</summary>
    private static IReadOnlyCollection<string> SyscallsFor(CompiledCondition? filter)
    {
        if (filter is null)
        {
            return [.. LiveSyscalls.All];
        }
        EventTypeSet types = EventTypeExtraction.Compute(filter.Source);
        var names = new HashSet<string>(DetectionRun.StateSyscalls.Where(LiveSyscalls.IsSupported), StringComparer.Ordinal);
        foreach (string name in LiveSyscalls.All)
        {
            if (types.Contains(name))
            {
                names.Add(name);
            }
        }
        return names;
    }

    /// <summary>The events a filtered re-write keeps (by position in the file) and the threads they run on.</summary>
    private sealed class KeptEvents
    {
        private readonly HashSet<ulong> _indexes = [];
        private readonly HashSet<long> _tids = [];

        public int Count => _indexes.Count;

        public void Add(ulong index, long tid)
        {
            _indexes.Add(index);
            _tids.Add(tid);
        }

        public bool Contains(ulong index) => _indexes.Contains(index);

        /// <summary>
        /// A kept event's thread, its process's main thread, and their ancestors (proc.pname, proc.aname). The set is
        /// recomputed only when the thread table changes size, so asking per event stays cheap.
        /// </summary>
        public Func<long, bool> IncludeTid(SystemState state)
        {
            var included = new HashSet<long>();
            int knownThreads = -1;
            return tid =>
            {
                if (_tids.Contains(tid))
                {
                    return true;
                }
                if (state.ThreadTable.Count != knownThreads)
                {
                    knownThreads = state.ThreadTable.Count;
                    included.Clear();
                    foreach (long keptTid in _tids)
                    {
                        ThreadInfo? t = state.FindThread(keptTid);
                        for (int depth = 0; t is not null && depth < 64; depth++)
                        {
                            included.Add(t.Tid);
                            included.Add(t.Pid);
                            t = state.FindParent(t);
                        }
                    }
                }
                return included.Contains(tid);
            };
        }
    }

    /// <summary>The input's header goes to the state engine and is kept as is for an unfiltered re-write.</summary>
    private sealed class TeeSink(ScapSnapshot header, SystemState state, CaptureRecorder recorder) : ISnapshotSink
    {
        public void OnMachineInfo(MachineInfo info)
        {
            header.OnMachineInfo(info);
            state.OnMachineInfo(info);
        }

        public void OnInterface(InterfaceAddress address)
        {
            header.OnInterface(address);
            state.OnInterface(address);
        }

        public void OnUser(UserRecord user)
        {
            header.OnUser(user);
            state.OnUser(user);
        }

        public void OnGroup(GroupRecord group)
        {
            header.OnGroup(group);
            state.OnGroup(group);
        }

        public void OnThread(ThreadRecord thread)
        {
            header.OnThread(thread);
            state.OnThread(thread);
        }

        public void OnFd(FdRecord fd)
        {
            header.OnFd(fd);
            state.OnFd(fd);
        }

        public void OnSectionStart()
        {
            header.OnSectionStart();
            state.OnSectionStart();
            recorder.OnInputSectionRestart();
        }

        public void OnSnapshotComplete()
        {
            header.OnSnapshotComplete();
            state.OnSnapshotComplete();
        }
    }
}
