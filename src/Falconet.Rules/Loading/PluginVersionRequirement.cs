namespace Falconet.Rules.Loading;

/// <summary>A plugin name and the minimum version required.</summary>
public sealed record PluginVersionRequirement(string Name, string Version);
