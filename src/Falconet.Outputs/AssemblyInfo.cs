namespace Falconet.Outputs;
