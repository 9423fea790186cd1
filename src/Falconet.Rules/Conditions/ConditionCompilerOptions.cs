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

    /// <summary>
    /// Whether <c>fd.*ip.name</c> values may be wildcards (<c>*.example.com</c>: one label; <c>**.example.com</c>: one
    /// or more). Off under <c>--compat falco</c>, where a value with <c>*</c> is an exact name and so never matches.
    /// </summary>
    public bool DomainWildcards { get; init; } = true;
}
