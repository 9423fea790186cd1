using System.Diagnostics;
using System.Text;

namespace Falconet.Operations.Tests;

/// <summary>
/// The built <c>falconet</c> as a child process replaying a capture from its stdin (<c>-e -</c>), so the test decides
/// when each event arrives, can signal it, and reads its stderr as it comes.
/// </summary>
internal sealed class FalconetChild : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;
    private readonly Task<string> _stdout;

    public FalconetChild(IEnumerable<string> arguments, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "falconet.dll"));
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add("-");
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        foreach ((string name, string value) in environment ?? [])
        {
            start.Environment[name] = value;
        }
        _process = Process.Start(start)!;
        _stdout = _process.StandardOutput.ReadToEndAsync();
        _stderrPump = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = await _process.StandardError.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                lock (_stderr)
                {
                    _stderr.Append(buffer, 0, n);
                }
            }
        });
    }

    public int Pid => _process.Id;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public void Write(byte[] bytes)
    {
        _process.StandardInput.BaseStream.Write(bytes);
        _process.StandardInput.BaseStream.Flush();
    }

    public void Write(IEnumerable<byte[]> blocks)
    {
        foreach (byte[] b in blocks)
        {
            _process.StandardInput.BaseStream.Write(b);
        }
        _process.StandardInput.BaseStream.Flush();
    }

    /// <summary>Sends a signal with kill(1).</summary>
    public void Signal(string name)
    {
        using Process kill = Process.Start("kill", ["-" + name, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; fails with what stderr said.</summary>
    public void WaitUntil(Func<bool> condition, string what, int seconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds) || _process.HasExited && !condition())
            {
                Assert.Fail($"not within {seconds} s (or the process exited): {what}\n--- stderr ---\n{Stderr}");
            }
            Thread.Sleep(50);
        }
    }

    /// <summary>Closes stdin (the end of the capture) and waits for the exit code.</summary>
    public (int ExitCode, string Stdout, string Stderr) Finish()
    {
        _process.StandardInput.Close();
        Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(60)), "falconet did not exit within 60 s of the end of its input");
        _stderrPump.Wait(TimeSpan.FromSeconds(10));
        return (_process.ExitCode, _stdout.Result, Stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
