using Falconet.Core.Alerts;

namespace Falconet.Outputs.Nats;

/// <summary>
/// Where an alert goes in the stream: <c>&lt;subject&gt;.&lt;priority&gt;.&lt;rule&gt;</c>, so a consumer can filter
/// by priority (<c>falconet.alerts.critical.&gt;</c>) or by rule (<c>falconet.alerts.*.Terminal_shell</c>).
/// </summary>
public static class JetStreamSubject
{
    /// <summary>The subject of one alert under <paramref name="prefix"/>.</summary>
    public static string For(string prefix, Priority priority, string rule)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(rule);
        return prefix + "." + priority.ToDisplayName().ToLowerInvariant() + "." + Token(rule);
    }

    /// <summary>
    /// A rule name as one subject token: NATS tokens cannot hold spaces, dots or the wildcards <c>*</c> and <c>&gt;</c>,
    /// so every character other than an ASCII letter, digit, <c>-</c> or <c>_</c> becomes <c>_</c>.
    /// </summary>
    public static string Token(string rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Length == 0)
        {
            return "_";
        }
        return string.Create(rule.Length, rule, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                char c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' ? c : '_';
            }
        });
    }
}
