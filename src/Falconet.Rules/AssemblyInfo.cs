using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Falconet.Rules.Tests")]
