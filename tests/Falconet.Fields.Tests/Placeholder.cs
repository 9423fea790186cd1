namespace Falconet.Fields.Tests;
