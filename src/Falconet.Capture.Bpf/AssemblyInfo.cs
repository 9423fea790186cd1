using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Falconet.Capture.Bpf.Tests")]

// Falconet.Enforcement loads its own object through the one libbpf interop class (Interop/Libbpf).
[assembly: InternalsVisibleTo("Falconet.Enforcement")]
