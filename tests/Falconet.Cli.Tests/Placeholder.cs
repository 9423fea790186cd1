namespace Falconet.Cli.Tests;
