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

    public static RuleSet Empty { get; } = new([], [], [], null, []);

    public IReadOnlyList<CompiledRule> Rules { get; }
    public IReadOnlyList<CompiledMacro> Macros { get; }
    public IReadOnlyList<CompiledList> Lists { get; }
    public EngineVersion? RequiredEngineVersion { get; }
    public IReadOnlyList<PluginRequirement> PluginRequirements { get; }

    public CompiledRule? FindRule(string name) => Rules.FirstOrDefault(r => r.Name == name);
}
