namespace Falconet.Fuzz;

/// <summary>A target's invariant that an input broke.</summary>
public sealed class FuzzInvariantException(string message) : Exception(message);
