using Falconet.Core.Alerts;
using Falconet.Engine;

namespace Falconet.Host;

/// <summary>
/// The rule set the event loop runs, replaced whole by a reload: the engine, its files, how long it took to load, and
/// the match counts of the engines it replaced (so the summary and <c>/metrics</c> count every alert once). Published
/// as one immutable snapshot, read by other threads without a lock.
/// </summary>
internal sealed class RulesInUse(RuleEngine engine, TimeSpan loadTime, IReadOnlyList<RulesFileDigest> files)
{
    /// <summary>One rule set with the counts of the sets before it.</summary>
    public sealed record Snapshot(RuleEngine Engine, TimeSpan LoadTime, IReadOnlyList<RulesFileDigest> Files,
        IReadOnlyDictionary<string, (Priority Priority, long Matches)> Retired, long Reloads);

    private Snapshot _current = new(engine, loadTime, files, new Dictionary<string, (Priority, long)>(), 0);
    private long _failures;

    public Snapshot Current => Volatile.Read(ref _current);

    public long Failures => Interlocked.Read(ref _failures);

    public void CountFailure() => Interlocked.Increment(ref _failures);

    /// <summary>On the event thread, between two events: the new engine takes over; the old one's counts are kept.</summary>
    public void TakeOver(RuleEngine next, TimeSpan nextLoadTime, IReadOnlyList<RulesFileDigest> nextFiles)
    {
        Snapshot old = Current;
        var retired = new Dictionary<string, (Priority, long)>(old.Retired);
        foreach ((string name, Priority priority, long n) in MatchesByRule(old))
        {
            retired[name] = (priority, n);
        }
        Volatile.Write(ref _current, new Snapshot(next, nextLoadTime, nextFiles, retired, old.Reloads + 1));
    }

    /// <summary>Matches per rule name, in the running engine's order, then rules only earlier sets had.</summary>
    public static IEnumerable<(string Name, Priority Priority, long Matches)> MatchesByRule(Snapshot s)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (ActiveRule rule in s.Engine.Rules)
        {
            seen.Add(rule.Rule.Name);
            long n = rule.Matches + (s.Retired.TryGetValue(rule.Rule.Name, out (Priority, long Matches) old) ? old.Matches : 0);
            if (n > 0)
            {
                yield return (rule.Rule.Name, rule.Rule.Priority, n);
            }
        }
        foreach ((string name, (Priority priority, long matches)) in s.Retired)
        {
            if (!seen.Contains(name) && matches > 0)
            {
                yield return (name, priority, matches);
            }
        }
    }
}
