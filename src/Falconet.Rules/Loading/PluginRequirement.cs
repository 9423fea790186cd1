namespace Falconet.Rules.Loading;

/// <summary>One <c>required_plugin_versions</c> entry: a plugin and its alternatives, any of which satisfies it.</summary>
public sealed record PluginRequirement(IReadOnlyList<PluginVersionRequirement> Alternatives, LoadContext Context);
