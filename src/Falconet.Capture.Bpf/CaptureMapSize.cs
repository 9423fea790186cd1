namespace Falconet.Capture.Bpf;

/// <summary>A map of the BPF object whose size is set before load (the object's own size is a placeholder).</summary>
/// <param name="Name">Map name in the object.</param>
/// <param name="MaxEntries">Entries, or bytes for the ring buffer.</param>
public readonly record struct CaptureMapSize(string Name, uint MaxEntries);
