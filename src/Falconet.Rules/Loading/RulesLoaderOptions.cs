using Falconet.Rules.Conditions;

namespace Falconet.Rules.Loading;

/// <summary>How to load rules.</summary>
public sealed class RulesLoaderOptions
{
    /// <summary>Event sources rules may name; rules of other sources warn (<c>LOAD_UNKNOWN_SOURCE</c>) and are skipped.</summary>
    public ISet<string> KnownSources { get; init; } = new HashSet<string>(StringComparer.Ordinal) { RuleSources.Syscall };

    /// <summary>Plugins considered loaded (name → version) for <c>required_plugin_versions</c>; Falconet's built-ins by default.</summary>
    public IReadOnlyDictionary<string, string> Plugins { get; init; } = BuiltinPlugins.All;

    /// <summary>Options of the condition compiler that type-checks rule and macro conditions.</summary>
    public ConditionCompilerOptions ConditionOptions { get; init; } = new();
}
