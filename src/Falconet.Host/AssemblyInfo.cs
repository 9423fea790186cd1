namespace Falconet.Host;
