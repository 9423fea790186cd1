namespace Falconet.Outputs.Tests;
