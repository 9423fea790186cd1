namespace Falconet.Rules.Tests;
