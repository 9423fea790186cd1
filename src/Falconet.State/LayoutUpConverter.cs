using Falconet.Core.Events;

namespace Falconet.State;

/// <summary>
/// Brings events in old layouts to the current one, as libs' converter does: keeps each thread's last syscall
/// enter event and completes an old-layout exit from it.
/// </summary>
internal sealed class LayoutUpConverter
{
    /// <summary>Most stored enter events of gone threads kept for reuse (each holds a 4 KB buffer).</summary>
    private const int MaxFreeEnters = 1024;

    /// <summary>Per thread, the last enter event (copied), to complete old-layout exit events.</summary>
    private readonly Dictionary<long, ScapEvent> _lastEnter = [];

    /// <summary>Stored enter events of removed threads, reused for new threads.</summary>
    private readonly Stack<ScapEvent> _freeEnters = new();

    private readonly ScapEvent _scratch = new();

    // The stored enter event last looked up: an exit usually follows its own enter, so one compare replaces the
    // second hash lookup. Removing or clearing entries forgets it.
    private long _cachedTid = -1;
    private ScapEvent? _cachedEnter;

    private ScapEvent? FindEnter(long tid)
    {
        if (tid == _cachedTid && _cachedEnter is { } cached)
        {
            return cached;
        }
        if (!_lastEnter.TryGetValue(tid, out ScapEvent? stored))
        {
            return null;
        }
        _cachedTid = tid;
        _cachedEnter = stored;
        return stored;
    }

    /// <summary>Keeps a copy of a syscall enter event for the exit that follows it on the same thread.</summary>
    public void StoreEnter(ScapEvent evt)
    {
        if (evt.ThreadId < 0)
        {
            return;
        }
        ScapEvent? stored = FindEnter(evt.ThreadId);
        if (stored is null)
        {
            stored = _freeEnters.Count > 0 ? _freeEnters.Pop() : new ScapEvent();
            _lastEnter[evt.ThreadId] = stored;
            _cachedTid = evt.ThreadId;
            _cachedEnter = stored;
        }
        stored.CopyFrom(evt);
    }

    /// <summary>Keeps a gone thread's stored enter event for the next new thread.</summary>
    public void Release(long tid)
    {
        _cachedEnter = null;
        if (_lastEnter.Remove(tid, out ScapEvent? stored) && _freeEnters.Count < MaxFreeEnters)
        {
            _freeEnters.Push(stored);
        }
    }

    /// <summary>Forgets every stored enter event (a new capture section).</summary>
    public void Clear()
    {
        _lastEnter.Clear();
        _cachedEnter = null;
    }

    /// <summary>
    /// Brings an event in an old layout to the current one. An id only ever gains trailing parameters, so a short
    /// event of a current id keeps its parameters and gets the missing ones; an old id is rebuilt as the current id
    /// parameter by parameter, by name. Parameters the event lacks come by name from the thread's stored enter event
    /// of the same syscall, else are empty (absent).
    /// </summary>
    public void UpConvert(ScapEvent evt)
    {
        ushort current = EventTable.CurrentId(evt.Type);
        EventInfo target = EventTable.Get(current);
        if (current == evt.Type && evt.ParamCount >= target.ParameterCount)
        {
            return;
        }
        ScapEvent? enter = null;
        if (!evt.IsEnter && FindEnter(evt.ThreadId) is { } stored && EventActions.SameName(stored.Type, current))
        {
            enter = stored;
        }
        int first = evt.ParamCount;
        ScapEvent? source = null;
        if (current != evt.Type)
        {
            source = _scratch;
            source.CopyFrom(evt);
            uint blockFlags = evt.BlockFlags;
            evt.Reset(evt.OriginalType, evt.Timestamp, evt.ThreadId);
            evt.BlockFlags = blockFlags;
            first = 0;
        }
        evt.ConvertTo(current);
        ReadOnlySpan<sbyte> sourceMap = source is null ? default : LayoutMap.Get(source.Type, current, oldFdFromFd: false);
        ReadOnlySpan<sbyte> enterMap = enter is null ? default : LayoutMap.Get(enter.Type, current, oldFdFromFd: true);
        for (int i = first; i < target.ParameterCount; i++)
        {
            int fromSource = source is null ? -1 : sourceMap[i];
            if (fromSource >= 0)
            {
                evt.AppendParam(source!.GetParam(fromSource));
                continue;
            }
            int fromEnter = enter is null ? -1 : enterMap[i];
            evt.AppendParam(fromEnter >= 0 ? enter!.GetParam(fromEnter) : default);
        }
        // One exit per enter: a later exit of the same syscall must not reuse it.
        enter?.Reset(0, 0, evt.ThreadId);
    }
}
