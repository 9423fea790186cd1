namespace Falconet.Outputs;

/// <summary>Receives the output layer's own log lines; the level is a syslog severity as Falco's logger uses.</summary>
public delegate void OutputLogHandler(Falconet.Core.Alerts.Priority level, string message);
