using Falconet.Engine;

namespace Falconet.Host;

/// <summary>What loading the rules and configuration again produced: a new engine, or the errors that rejected it.</summary>
/// <param name="Engine">The new engine; null when rejected.</param>
/// <param name="Errors">Why it was rejected (rules diagnostics or a configuration error); null when accepted.</param>
/// <param name="LoadTime">How long loading took.</param>
/// <param name="Files">The rules files loaded.</param>
/// <param name="Notes">Warnings about what the new set cannot change in the running process (restart needed).</param>
/// <param name="Rules">The loaded rule set, from which kernel enforcement takes its new policy; null when rejected.</param>
public sealed record ReloadedRules(RuleEngine? Engine, string? Errors, TimeSpan LoadTime, IReadOnlyList<RulesFileDigest> Files, IReadOnlyList<string> Notes, Falconet.Rules.Loading.RuleSet? Rules = null);
