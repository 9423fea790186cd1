namespace Falconet.Benchmarks;

/// <summary>One point of a scaling curve: ns per operation (minimum and median of the passes), bytes per entry.</summary>
public sealed record ScalingRow(string Dimension, int Size, double MinNs, double MedianNs, double? BytesPerEntry);
