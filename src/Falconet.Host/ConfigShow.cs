using System.Text.Json;
using Falconet.Host.Configuration;

namespace Falconet.Host;

/// <summary>
/// <c>falconet config show</c>: the effective configuration, one line per value, each with where it came from
/// (<c>built-in</c>, <c>file</c>, <c>-o</c>, or <c>env</c> when <c>${VAR}</c> was substituted into it).
/// </summary>
public static class ConfigShow
{
    /// <summary>Writes the configuration of <paramref name="configFile"/> and <paramref name="overrides"/>; returns the exit code.</summary>
    public static int Run(string? configFile, IReadOnlyList<string> overrides, ConsoleStreams console)
    {
        ArgumentNullException.ThrowIfNull(console);
        FalconetOptions options;
        try
        {
            options = FalconetCommands.LoadConfiguration(configFile, overrides);
        }
        catch (ConfigException e)
        {
            throw new UserFacingException(e.Message);
        }
        foreach (string warning in options.ConfigWarnings)
        {
            console.Error.WriteLine("falconet: warning: " + warning);
        }
        foreach ((string path, object? value, ConfigOrigin? origin) in options.Tree.Entries())
        {
            if (value is Dictionary<string, object?> { Count: > 0 })
            {
                continue;
            }
            console.Out.WriteLine($"{path}: {Render(value)}  # {Describe(origin)}");
        }
        return ExitCodes.Success;
    }

    /// <summary>The kind of origin and the place: <c>built-in &lt;builtin&gt;/falconet.yaml:12</c>, <c>-o key=value</c>, <c>env ${HOME} at file:3</c>.</summary>
    public static string Describe(ConfigOrigin? origin) => origin switch
    {
        null => "unknown",
        { Environment.Count: > 0 } => $"env {string.Join(", ", origin.Environment.Select(v => "${" + v + "}"))} at {(origin.Kind == ConfigOriginKind.Override ? "-o " + origin.Source : origin.Source + ":" + origin.Line)}",
        { Kind: ConfigOriginKind.BuiltIn } => $"built-in {origin.Source}:{origin.Line}",
        { Kind: ConfigOriginKind.File } => $"file {origin.Source}:{origin.Line}",
        _ => $"-o {origin.Source}",
    };

    private static string Render(object? value) => value switch
    {
        null => "~",
        string s => s.Length == 0 || s.Trim() != s || s.Contains(": ", StringComparison.Ordinal) || s.Contains(" #", StringComparison.Ordinal) ? JsonSerializer.Serialize(s) : s,
        _ => JsonSerializer.Serialize(value),
    };
}
