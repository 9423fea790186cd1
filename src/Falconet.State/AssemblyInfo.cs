using System.Runtime.CompilerServices;

// The test projects build threads and fds directly; everything else changes them only through the state engine.
[assembly: InternalsVisibleTo("Falconet.State.Tests")]
[assembly: InternalsVisibleTo("Falconet.Fields.Tests")]
[assembly: InternalsVisibleTo("Falconet.Engine.Tests")]
[assembly: InternalsVisibleTo("Falconet.TestKit")]
[assembly: InternalsVisibleTo("Falconet.Benchmarks")]
