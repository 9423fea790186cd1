namespace Falconet.State.Tests;
