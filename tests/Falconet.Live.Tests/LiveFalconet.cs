using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Falconet.Live.Tests;

/// <summary>One alert line of <c>-o json_output=true</c>, with the moment the test read it.</summary>
public sealed record ReceivedAlert(long ReceivedAt, string Line, JsonElement Json)
{
    public string Rule => Json.GetProperty("rule").GetString() ?? "";

    public JsonElement Field(string name) => Json.GetProperty("output_fields").GetProperty(name);

    /// <summary>
    /// The field's value as text; null when the alert does not have it (internal alerts such as Falco's syscall
    /// event drop carry other fields) or when it is null.
    /// </summary>
    public string? Text(string name) =>
        Json.TryGetProperty("output_fields", out JsonElement fields) && fields.TryGetProperty(name, out JsonElement value)
            && value.ValueKind != JsonValueKind.Null
            ? value.ToString()
            : null;
}

/// <summary>
/// The built <c>falconet</c> command running live as a child process (<c>dotnet falconet.dll</c>, the same build
/// the test references). Alerts are read from stdout as they come and time-stamped on arrival; stderr is kept
/// for the messages. Stopping sends SIGTERM, as a service manager would, and waits for the end-of-run summary.
/// </summary>
public sealed class LiveFalconet : IDisposable
{
    private static readonly TimeSpan s_startLimit = TimeSpan.FromMinutes(3);
    private const string ReadyMarker = "falconet: live capture of ";

    private readonly Process _process;
    private readonly ConcurrentQueue<ReceivedAlert> _alerts = new();
    private readonly StringBuilder _stderr = new();
    private readonly Thread _stdoutReader;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveFalconet(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "falconet.dll"));
        // -v announces when capture is attached and the /proc snapshot is in; -M bounds a run a failed test leaves behind.
        // Falconet's own resolver must never ask the machine's DNS servers about the listed names from a test:
        // observed DNS only, and any server it uses is the namespace's (a test that wants the resolver overrides both).
        string[] defaults =
        [
            "-o", "json_output=true", "-v", "-M", "600", "-o", "webserver.listen_port=0",
            "-o", "dns.mode=observed", "-o", $"dns.servers=[\"{TestNetwork.DnsServerIPv4}\"]",
        ];
        foreach (string argument in defaults.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }
        CommandLine = "falconet " + string.Join(' ', start.ArgumentList.Skip(1));
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        _stdoutReader = new Thread(ReadAlerts) { IsBackground = true, Name = "falconet stdout" };
        _stdoutReader.Start();
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _ready.TrySetException(new InvalidOperationException($"{CommandLine} ended before capturing: {StandardError}"));
                return;
            }
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
            if (e.Data.StartsWith(ReadyMarker, StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }
        };
        _process.BeginErrorReadLine();
    }

    public string CommandLine { get; }

    /// <summary>The falconet process id (the dotnet host running falconet.dll), for signals a test sends itself.</summary>
    public int Pid => _process.Id;

    /// <summary>Sends SIGTERM without waiting; <see cref="WaitForExit"/> then bounds the wait.</summary>
    public void SendTerm() => Signal("TERM");

    /// <summary>Waits up to <paramref name="limit"/> for the process to end (and its stdout to be read); false if it did not.</summary>
    public bool WaitForExit(TimeSpan limit)
    {
        if (!_process.WaitForExit(limit))
        {
            return false;
        }
        _process.WaitForExit();
        _stdoutReader.Join(TimeSpan.FromSeconds(10));
        return true;
    }

    /// <summary>The exit code, once ended.</summary>
    public int ExitCode => _process.ExitCode;

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public IReadOnlyCollection<ReceivedAlert> Alerts => _alerts.ToArray();

    /// <summary>Starts Falconet and waits until its capture is attached and the /proc snapshot is loaded.</summary>
    public static LiveFalconet Start(params string[] arguments)
    {
        var falconet = new LiveFalconet(arguments);
        try
        {
            if (!falconet._ready.Task.Wait(s_startLimit))
            {
                throw new TimeoutException($"{falconet.CommandLine} did not start capturing within {s_startLimit}: {falconet.StandardError}");
            }
        }
        catch
        {
            falconet.Dispose();
            throw;
        }
        return falconet;
    }

    /// <summary>Polls for an alert that matches, up to <paramref name="limit"/>.</summary>
    public ReceivedAlert? WaitForAlert(Func<ReceivedAlert, bool> match, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        do
        {
            ReceivedAlert? found = _alerts.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }
            Thread.Sleep(20);
        }
        while (clock.Elapsed < limit && !_process.HasExited);
        return _alerts.FirstOrDefault(match);
    }

    /// <summary>Sends SIGHUP: Falconet reloads its rules and configuration beside the running ones.</summary>
    public void Reload() => Signal("HUP");

    /// <summary>Sends a signal (<c>HUP</c>, …) with kill(1).</summary>
    public void Signal(string name)
    {
        CommandResult sent = HostTools.Run("kill", "-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (sent.ExitCode != 0)
        {
            throw new InvalidOperationException($"could not send SIG{name} to {CommandLine}: {sent}");
        }
    }

    /// <summary>SIGTERM, then waits for exit; returns the exit code.</summary>
    public int Stop()
    {
        if (!_process.HasExited)
        {
            HostTools.Run("kill", "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!_process.WaitForExit(TimeSpan.FromMinutes(1)))
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{CommandLine} did not stop within a minute of SIGTERM");
            }
        }
        _process.WaitForExit();
        _stdoutReader.Join(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        _process.Dispose();
    }

    private void ReadAlerts()
    {
        while (_process.StandardOutput.ReadLine() is string line)
        {
            long now = Stopwatch.GetTimestamp();
            if (line.StartsWith('{'))
            {
                _alerts.Enqueue(new ReceivedAlert(now, line, JsonDocument.Parse(line).RootElement.Clone()));
            }
        }
    }
}
