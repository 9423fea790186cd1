namespace Falconet.Outputs;

/// <summary>
/// A local output (stdout, file, syslog, program). Called on the output worker only, one alert at a time.
/// Exceptions are caught by the dispatcher, counted as a failed delivery for this sink and logged.
/// </summary>
public interface IAlertSink : IDisposable
{
    /// <summary>The output's name as in falco.yaml (<c>stdout</c>, <c>file</c>, ...), used in logs and counters.</summary>
    string Name { get; }

    /// <summary>Writes one alert; an exception counts as a failed delivery.</summary>
    void Emit(FormattedAlert alert);

    /// <summary>Pushes out anything buffered (<c>buffered_outputs: true</c>); called at shutdown.</summary>
    void Flush();

    /// <summary>Closes files/programs so the next alert reopens them (Falco does this on SIGUSR1).</summary>
    void Reopen();
}
