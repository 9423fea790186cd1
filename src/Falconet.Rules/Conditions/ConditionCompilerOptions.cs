using Falconet.Core.Events;

namespace Falconet.Rules.Conditions;

/// <summary>Options of the condition compiler.</summary>
public sealed class ConditionCompilerOptions
{
    /// <summary>
    /// Names <c>evt.type</c> may be compared with. Defaults to every event and syscall name (<see cref="EventTypeNames"/>),
    /// as Falco accepts any syscall name whether or not it has a dedicated event.
    /// </summary>
    public Func<string, bool> IsKnownEventType { get; init; } = EventTypeNames.IsKnown;
}
