using System.Reflection;

namespace Falconet.Host;

/// <summary>The configuration and rules built into the binary (src/Falconet.Host/Defaults).</summary>
public static class EmbeddedDefaults
{
    /// <summary>The name diagnostics use for the built-in rules file.</summary>
    public const string RulesFileName = "<builtin>/falconet_rules.yaml";

    public const string ConfigFileName = "<builtin>/falconet.yaml";

    public static string RulesYaml { get; } = Read("Falconet.Defaults.falconet_rules.yaml");

    public static string ConfigYaml { get; } = Read("Falconet.Defaults.falconet.yaml");

    private static string Read(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException("embedded resource missing: " + name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
