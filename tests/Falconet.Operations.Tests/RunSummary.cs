using System.Globalization;
using System.Text.RegularExpressions;

namespace Falconet.Operations.Tests;

/// <summary>The end-of-run summary Falconet prints on stderr (with -v), read back into numbers.</summary>
internal sealed partial record RunSummary(
    long Alerts,
    Dictionary<string, long> BySeverity,
    Dictionary<string, long> ByRule,
    long EventsRead,
    long Queued,
    long QueueDrops,
    long Discarded,
    Dictionary<string, (long Delivered, long Failed)> Sinks)
{
    public static RunSummary Parse(string stderr)
    {
        string[] lines = stderr.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        long alerts = -1, events = -1, queued = -1, drops = -1, discarded = -1;
        var severity = new Dictionary<string, long>();
        var rules = new Dictionary<string, long>();
        var sinks = new Dictionary<string, (long, long)>();
        string section = "";
        foreach (string line in lines)
        {
            if (line.StartsWith("Events detected: ", StringComparison.Ordinal))
            {
                alerts = long.Parse(line["Events detected: ".Length..], CultureInfo.InvariantCulture);
            }
            else if (line == "Rule counts by severity:" || line == "Triggered rules by rule name:")
            {
                section = line;
            }
            else if (line.StartsWith("Syscall events read: ", StringComparison.Ordinal))
            {
                events = long.Parse(line["Syscall events read: ".Length..], CultureInfo.InvariantCulture);
                section = "";
            }
            else if (OutputsLine().Match(line) is { Success: true } o)
            {
                queued = long.Parse(o.Groups[1].Value, CultureInfo.InvariantCulture);
                drops = long.Parse(o.Groups[2].Value, CultureInfo.InvariantCulture);
                discarded = long.Parse(o.Groups[3].Value, CultureInfo.InvariantCulture);
                section = "outputs";
            }
            else if (line.StartsWith("   ", StringComparison.Ordinal))
            {
                if (section == "outputs" && SinkLine().Match(line) is { Success: true } s)
                {
                    sinks[s.Groups[1].Value] = (long.Parse(s.Groups[2].Value, CultureInfo.InvariantCulture), long.Parse(s.Groups[3].Value, CultureInfo.InvariantCulture));
                }
                else if (section.Length > 0 && section != "outputs")
                {
                    int colon = line.LastIndexOf(": ", StringComparison.Ordinal);
                    var target = section == "Rule counts by severity:" ? severity : rules;
                    target[line[3..colon]] = long.Parse(line[(colon + 2)..], CultureInfo.InvariantCulture);
                }
            }
        }
        Assert.True(alerts >= 0 && events >= 0 && queued >= 0, "no complete summary in:\n" + stderr);
        return new RunSummary(alerts, severity, rules, events, queued, drops, discarded, sinks);
    }

    [GeneratedRegex(@"^Outputs: (\d+) queued, (\d+) dropped \(queue full\), (\d+) discarded at shutdown$")]
    private static partial Regex OutputsLine();

    [GeneratedRegex(@"^   (\S+): (\d+) delivered, (\d+) failed$")]
    private static partial Regex SinkLine();
}
