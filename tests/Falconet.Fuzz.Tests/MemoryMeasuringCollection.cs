namespace Falconet.Fuzz.Tests;

/// <summary>Tests that read the GC heap size run alone: another test's allocations would show in their figure.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuringCollection
{
    public const string Name = "measures memory";
}
