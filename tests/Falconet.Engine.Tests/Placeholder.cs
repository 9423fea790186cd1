namespace Falconet.Engine.Tests;
