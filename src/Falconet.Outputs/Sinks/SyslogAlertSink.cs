using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Falconet.Core.Alerts;

namespace Falconet.Outputs.Sinks;

/// <summary>
/// <c>syslog_output</c>: sends each alert as one datagram to the local syslog socket in the RFC 3164 form that
/// glibc's syslog(3) writes: <c>&lt;PRI&gt;Mmm dd HH:MM:SS tag: message</c>, PRI = facility * 8 + severity, where the
/// severity is the rule priority (Emergency 0 … Debug 7). No trailing newline.
/// </summary>
public sealed class SyslogAlertSink : IAlertSink
{
    private static readonly string[] s_months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private readonly SyslogOutputOptions _options;
    private readonly TimeProvider _clock;
    private Socket? _socket;

    /// <summary><paramref name="clock"/> stamps the messages (tests pass a fixed clock).</summary>
    public SyslogAlertSink(SyslogOutputOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Facility);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Facility, 23);
        _options = options;
        _clock = clock ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "syslog";

    /// <inheritdoc />
    public void Emit(FormattedAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        byte[] datagram = BuildDatagram(alert.Alert.Priority, alert.Message, _clock.GetLocalNow().DateTime);
        try
        {
            (_socket ??= Connect()).Send(datagram);
        }
        catch (SocketException)
        {
            // syslogd may have restarted and bound a new socket: reconnect once, as glibc does.
            Close();
            (_socket = Connect()).Send(datagram);
        }
    }

    /// <summary>The datagram for one alert; the timestamp is the sender's local time, as syslog(3) writes it.</summary>
    public byte[] BuildDatagram(Priority priority, string message, DateTime localTime)
    {
        int pri = (_options.Facility * 8) + (int)priority;
        string header = string.Create(CultureInfo.InvariantCulture,
            $"<{pri}>{s_months[localTime.Month - 1]} {localTime.Day,2} {localTime.Hour:D2}:{localTime.Minute:D2}:{localTime.Second:D2} {_options.Tag}: ");
        return Encoding.UTF8.GetBytes(header + message);
    }

    /// <inheritdoc />
    public void Flush()
    {
    }

    /// <inheritdoc />
    public void Reopen() => Close();

    /// <summary>Closes the socket.</summary>
    public void Dispose() => Close();

    private Socket Connect()
    {
        Socket socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(_options.SocketPath));
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException("cannot reach syslog socket '" + _options.SocketPath + "': " + ex.Message, ex);
        }
    }

    private void Close()
    {
        Socket? socket = _socket;
        _socket = null;
        socket?.Dispose();
    }
}
