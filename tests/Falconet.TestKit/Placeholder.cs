namespace Falconet.TestKit;
