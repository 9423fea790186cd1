namespace Falconet.Conformance.Tests;
