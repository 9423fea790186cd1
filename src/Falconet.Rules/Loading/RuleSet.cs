namespace Falconet.Rules.Loading;

/// <summary>Everything a successful load produced: rules in evaluation order, macros, lists, requirements.</summary>
public sealed class RuleSet
{
    internal RuleSet(IReadOnlyList<CompiledRule> rules, IReadOnlyList<CompiledMacro> macros, IReadOnlyList<CompiledList> lists,
        EngineVersion? requiredEngineVersion, IReadOnlyList<PluginRequirement> pluginRequirements)
    {
        Rules = rules;
        Macros = macros;
        Lists = lists;
        RequiredEngineVersion = requiredEngineVersion;
        PluginRequirements = pluginRequirements;
    }

    /// <summary>The rule set of a failed load.</summary>
    public static RuleSet Empty { get; } = new([], [], [], null, []);

    /// <summary>The compiled rules, in definition order.</summary>
    public IReadOnlyList<CompiledRule> Rules { get; }
    /// <summary>The compiled macros, in definition order.</summary>
    public IReadOnlyList<CompiledMacro> Macros { get; }
    /// <summary>The expanded lists, in definition order.</summary>
    public IReadOnlyList<CompiledList> Lists { get; }
    /// <summary>The highest <c>required_engine_version</c> among the files, if any.</summary>
    public EngineVersion? RequiredEngineVersion { get; }
    /// <summary>The <c>required_plugin_versions</c> entries.</summary>
    public IReadOnlyList<PluginRequirement> PluginRequirements { get; }

    /// <summary>The rule of that name, if it loaded.</summary>
    public CompiledRule? FindRule(string name) => Rules.FirstOrDefault(r => r.Name == name);
}
