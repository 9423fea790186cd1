namespace Falconet.Outputs.Sinks;

/// <summary>The <c>syslog_output</c> settings.</summary>
public sealed record SyslogOutputOptions
{
    /// <summary>The local syslog socket (not a falco.yaml key; glibc's syslog(3) always uses <c>/dev/log</c>).</summary>
    public string SocketPath { get; init; } = "/dev/log";

    /// <summary>
    /// The syslog facility number. Falco calls syslog(3) without openlog(), so glibc's default applies:
    /// LOG_USER (1).
    /// </summary>
    public int Facility { get; init; } = 1;

    /// <summary>
    /// The tag before the message. syslog(3) without openlog() uses the program name; Falconet's program
    /// is <c>falconet</c>. Set <c>falco</c> to keep syslog filters written for Falco working.
    /// </summary>
    public string Tag { get; init; } = "falconet";
}
