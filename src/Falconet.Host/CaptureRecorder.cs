using Falconet.Core.Events;
using Falconet.Scap;
using Falconet.State;

namespace Falconet.Host;

/// <summary>
/// Feeds events to the state engine and writes the ones to keep, as they were read (no up-conversion), so a re-written
/// capture reads back event for event like the original in Falconet, Falco and sysdig. A file (the first, or the
/// next one of a rotation) starts with state blocks: the input's own header when everything is kept from the start,
/// otherwise the state engine's tables at that point. A kept syscall exit takes along the enter event just before it
/// on its thread, which old readers (sysdig 0.29.3) need to find the exit's fd.
/// </summary>
internal sealed class CaptureRecorder
{
    /// <summary>SCAP_DF_STATE_ONLY: readers apply the event to their state but never show it.</summary>
    private const uint StateOnlyFlag = 1;

    private readonly SystemState _state;
    private readonly CaptureFileSet _files;
    private readonly bool _exitEventsOnly;
    private readonly ScapEvent _raw = new();
    private readonly Dictionary<long, ScapEvent> _pendingEnter = [];
    private readonly Stack<ScapEvent> _freeEnters = new();
    private readonly List<ScapEvent> _earlyMeta = [];
    private ScapSnapshot? _inputHeader;
    private bool _sectionRestarted;

    /// <param name="state">The state engine the events go through.</param>
    /// <param name="files">Where kept events go.</param>
    /// <param name="exitEventsOnly">Leave syscall enter events out (live recordings, like current Falco).</param>
    public CaptureRecorder(SystemState state, CaptureFileSet files, bool exitEventsOnly)
    {
        _state = state;
        _files = files;
        _exitEventsOnly = exitEventsOnly;
    }

    /// <summary>
    /// Which threads a filtered file describes (state blocks and state-only events); null = all. Decided by tid,
    /// because a thread may not be in the table yet when its first event comes.
    /// </summary>
    public Func<long, bool>? IncludeTid { get; init; }

    /// <summary>
    /// The input capture's own header: the first file of an unfiltered re-write starts with it unchanged, so nothing
    /// is lost in translation. Replaced when the input starts a new section.
    /// </summary>
    public void UseInputHeader(ScapSnapshot header) => _inputHeader = header;

    /// <summary>The input started a new section (concatenated capture): the next event starts one in the output too.</summary>
    public void OnInputSectionRestart() => _sectionRestarted = true;

    /// <summary>Events written so far.</summary>
    public long EventsWritten => _files.EventsWritten;

    /// <summary>Writes every event (unfiltered re-write or live recording), then hands it to the state engine.</summary>
    public void RecordAll(ScapEvent evt)
    {
        if (_exitEventsOnly && IsSyscallEnter(evt))
        {
            _state.Process(evt);
            return;
        }
        if (!_files.IsOpen)
        {
            _files.Start(_inputHeader ?? ExportState());
        }
        else if (_sectionRestarted && _inputHeader is not null)
        {
            _files.StartSection(_inputHeader);
        }
        else if (_files.RotationDue && !CompletesPendingEnter(evt))
        {
            _files.Start(ExportState());
            foreach (ScapEvent meta in _earlyMeta)
            {
                _files.Write(meta);
            }
        }
        _sectionRestarted = false;
        if (evt.ThreadId == -1 && _earlyMeta.Count < 1024)
        {
            var copy = new ScapEvent();
            copy.CopyFrom(evt);
            _earlyMeta.Add(copy);
        }
        _files.Write(evt);
        TrackEnter(evt, copy: false);
        _state.Process(evt);
    }

    /// <summary>
    /// Writes the event when <paramref name="keep"/> (decided beforehand, e.g. by a first pass over the file), so
    /// the state blocks of a new file are exactly the state before it; then hands it to the state engine.
    /// </summary>
    public void RecordSelected(ScapEvent evt, bool keep)
    {
        if (IsSyscallEnter(evt))
        {
            TrackEnter(evt, copy: true);
            _state.Process(evt);
            return;
        }
        if (keep)
        {
            WriteKept(evt);
        }
        else
        {
            Skip(evt);
        }
        _state.Process(evt);
    }

    /// <summary>
    /// Hands the event to the state engine, then writes it when <paramref name="filter"/> accepts it (live with a
    /// filter: nothing is known ahead, so a new file's state blocks include this event's effect).
    /// </summary>
    public void RecordMatching(ScapEvent evt, Func<EventContext, bool> filter)
    {
        _raw.CopyFrom(evt);
        bool enter = IsSyscallEnter(_raw);
        bool visible = _state.Process(evt);
        if (enter)
        {
            if (!_exitEventsOnly)
            {
                TrackEnter(_raw, copy: true);
            }
            return;
        }
        if (visible && filter(_state.Context))
        {
            WriteKept(_raw);
        }
        else
        {
            Skip(_raw);
        }
    }

    /// <summary>
    /// An event the filter does not keep. When it changes state (a socket, open, close, clone, execve, a receive
    /// that carries DNS answers …) of a thread the file describes, it is still written, as a state-only event (block
    /// flag 1): Falconet, Falco and sysdig apply it and never show it, so later kept events find their fds and
    /// processes, and the visible stream is only what matched.
    /// </summary>
    private void Skip(ScapEvent evt)
    {
        RememberMeta(evt);
        if (_files.IsOpen && evt.ThreadId != -1 && (evt.Info.Flags & EventFlags.ModifiesState) != 0
            && (IncludeTid is null || IncludeTid(evt.ThreadId)))
        {
            uint flags = evt.BlockFlags;
            if (_pendingEnter.TryGetValue(evt.ThreadId, out ScapEvent? enter) && enter.Type + 1 == evt.Type)
            {
                enter.BlockFlags |= StateOnlyFlag;
                _files.Write(enter);
            }
            evt.BlockFlags |= StateOnlyFlag;
            _files.Write(evt);
            evt.BlockFlags = flags;
        }
        ForgetEnter(evt.ThreadId);
    }

    private void WriteKept(ScapEvent evt)
    {
        if (!_files.IsOpen || _files.RotationDue)
        {
            _files.Start(ExportState());
            foreach (ScapEvent meta in _earlyMeta)
            {
                _files.Write(meta);
            }
        }
        if (_pendingEnter.Remove(evt.ThreadId, out ScapEvent? enter))
        {
            if (enter.Type + 1 == evt.Type)
            {
                _files.Write(enter);
            }
            _freeEnters.Push(enter);
        }
        _files.Write(evt);
    }

    /// <summary>Container and other thread-less meta events describe the whole capture: every file repeats them.</summary>
    private void RememberMeta(ScapEvent evt)
    {
        if (evt.ThreadId != -1)
        {
            return;
        }
        if (_files.IsOpen)
        {
            _files.Write(evt);
        }
        if (_earlyMeta.Count < 1024)
        {
            var copy = new ScapEvent();
            copy.CopyFrom(evt);
            _earlyMeta.Add(copy);
        }
    }

    private bool CompletesPendingEnter(ScapEvent evt) =>
        !evt.IsEnter && _pendingEnter.TryGetValue(evt.ThreadId, out ScapEvent? enter) && enter.Type + 1 == evt.Type;

    /// <summary>Remembers the thread's last syscall enter event (a copy when it must be written later).</summary>
    private void TrackEnter(ScapEvent evt, bool copy)
    {
        if (!IsSyscallEnter(evt))
        {
            ForgetEnter(evt.ThreadId);
            return;
        }
        if (!_pendingEnter.TryGetValue(evt.ThreadId, out ScapEvent? stored))
        {
            stored = _freeEnters.Count > 0 ? _freeEnters.Pop() : new ScapEvent();
            _pendingEnter[evt.ThreadId] = stored;
        }
        if (copy)
        {
            stored.CopyFrom(evt);
        }
        else
        {
            // Only the type is needed to keep a rotation from splitting the pair.
            stored.Reset(evt.Type, evt.Timestamp, evt.ThreadId);
        }
    }

    private void ForgetEnter(long tid)
    {
        if (_pendingEnter.Remove(tid, out ScapEvent? stored))
        {
            _freeEnters.Push(stored);
        }
    }

    private ScapSnapshot ExportState()
    {
        var snapshot = new ScapSnapshot();
        Func<long, bool>? include = IncludeTid;
        SnapshotExporter.Export(_state, snapshot, include is null ? null : t => include(t.Tid));
        return snapshot;
    }

    /// <summary>A syscall's enter event (even id); meta events such as procexit also have even ids but are not syscalls.</summary>
    internal static bool IsSyscallEnter(ScapEvent evt) =>
        evt.IsEnter && (evt.Info.Category & EventCategory.Syscall) != 0;
}
