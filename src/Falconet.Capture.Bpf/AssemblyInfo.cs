using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Falconet.Capture.Bpf.Tests")]
