using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Falconet.Learn.Tests")]
