namespace Falconet.Rules.Loading;

/// <summary>
/// A position as Falco reports it: <c>Offset</c>, <c>Line</c> and <c>Column</c> are 0-based for YAML
/// locations (yaml-cpp marks). For condition locations Falco adds the parser's 1-based position to the
/// condition node's 0-based YAML mark; we keep that arithmetic so the JSON is identical.
/// </summary>
public readonly record struct LoadPosition(int Offset, int Line, int Column);
