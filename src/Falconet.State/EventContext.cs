using Falconet.Core.Events;

namespace Falconet.State;

/// <summary>
/// The event being evaluated and the state it refers to, after the state engine has parsed it.
/// One instance is reused for every event.
/// </summary>
public sealed class EventContext
{
    /// <summary>A context whose events are parsed by <paramref name="state"/>.</summary>
    public EventContext(SystemState state) => State = state;

    /// <summary>The state the event was parsed into.</summary>
    public SystemState State { get; }

    /// <summary>The event itself, up-converted to the current layout.</summary>
    public ScapEvent Event { get; internal set; } = new();

    /// <summary>The thread that produced the event; null when unknown.</summary>
    public ThreadInfo? Thread { get; internal set; }

    /// <summary>The fd the event refers to (only for events that create, use or destroy an fd); null when none or unknown.</summary>
    public FdInfo? Fd { get; internal set; }

    /// <summary>The fd number the event refers to, -1 when none.</summary>
    public long FdNumber { get; internal set; } = -1;

    /// <summary>Whether this event changed the name of <see cref="Fd"/> (<c>fd.name_changed</c>).</summary>
    public bool FdNameChanged { get; internal set; }
}
