namespace Falconet.Scap.Tests;
