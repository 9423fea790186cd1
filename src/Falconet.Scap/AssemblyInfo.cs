namespace Falconet.Scap;
