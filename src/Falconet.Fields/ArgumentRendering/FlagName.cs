namespace Falconet.Fields.ArgumentRendering;

/// <summary>One named value of a PPM flag or enum table.</summary>
public readonly record struct FlagName(string Name, uint Value);
