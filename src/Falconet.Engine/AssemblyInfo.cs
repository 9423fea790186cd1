namespace Falconet.Engine;
