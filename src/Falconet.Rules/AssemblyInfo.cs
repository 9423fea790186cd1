namespace Falconet.Rules;
