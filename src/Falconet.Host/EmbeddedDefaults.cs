using System.Reflection;

namespace Falconet.Host;

/// <summary>The configuration and rules built into the binary (src/Falconet.Host/Defaults).</summary>
public static class EmbeddedDefaults
{
    /// <summary>The name diagnostics use for the built-in rules file.</summary>
    public const string RulesFileName = "<builtin>/falconet_rules.yaml";

    /// <summary>The name of the generated file that lists the machine's DNS resolvers for the built-in rules.</summary>
    public const string DnsServersFileName = "<builtin>/falconet_dns_servers.yaml";

    /// <summary>The name error messages give the built-in falco.yaml.</summary>
    public const string ConfigFileName = "<builtin>/falconet.yaml";

    /// <summary>The short name that selects the built-in rules in <c>-r</c> and <c>rules_files</c>.</summary>
    public const string BuiltinRulesAlias = "<builtin>";

    /// <summary>True for the names under which <c>-r</c> and <c>rules_files</c> accept the built-in rules.</summary>
    public static bool IsBuiltinRulesName(string path) =>
        path is BuiltinRulesAlias or RulesFileName;

    /// <summary>The built-in rules file, used when neither <c>-r</c> nor <c>rules_files</c> names one.</summary>
    public static string RulesYaml { get; } = Read("Falconet.Defaults.falconet_rules.yaml");

    /// <summary>The built-in falco.yaml, used without <c>-c</c>.</summary>
    public static string ConfigYaml { get; } = Read("Falconet.Defaults.falconet.yaml");

    private static string Read(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException("embedded resource missing: " + name);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
