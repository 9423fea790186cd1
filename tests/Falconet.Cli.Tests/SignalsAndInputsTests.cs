using System.Diagnostics;
using System.Net.Sockets;
using Falconet.TestKit;

namespace Falconet.Cli.Tests;

/// <summary>
/// Inputs that are not regular files are refused, before anything is opened, with one line and exit code 1; and
/// SIGTERM/SIGINT end a run that is blocked reading its input within the 5-second stop deadline. The waits here
/// only bound how long a test may hang (15 s); they measure nothing.
/// </summary>
public sealed class SignalsAndInputsTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(15);

    private static void MakeFifo(string path) => Run("mkfifo", path);

    private static void Run(string file, params string[] arguments)
    {
        using Process process = Process.Start(file, arguments);
        Assert.True(process.WaitForExit(s_bound), $"{file} did not finish");
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>Starts the command with stdin a pipe that nobody writes to.</summary>
    private static Process StartWithSilentStdin(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "falconet.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
    }

    /// <summary>Waits (up to a minute) until the process's main thread sleeps reading a pipe: it is blocked on its input.</summary>
    private static void WaitUntilBlockedOnPipe(Process process)
    {
        string wchan = $"/proc/{process.Id}/wchan";
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(1) && !process.HasExited)
        {
            if (File.Exists(wchan) && File.ReadAllText(wchan).Contains("pipe_read", StringComparison.Ordinal))
            {
                return;
            }
            Thread.Sleep(50);
        }
        Assert.Fail($"falconet did not block reading its stdin pipe (exited: {process.HasExited}; stderr: {(process.HasExited ? process.StandardError.ReadToEnd() : "")})");
    }

    private static void Signal(Process process, string signal) => Run("kill", "-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static ProcessResult WaitForEnd(Process process)
    {
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        bool ended = process.WaitForExit(s_bound);
        if (!ended)
        {
            process.Kill(entireProcessTree: true);
        }
        Assert.True(ended, "falconet did not end within " + s_bound);
        return new ProcessResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public void A_signal_ends_a_run_blocked_on_a_capture_pipe_nobody_writes(string signal, int exitCode)
    {
        using Process falconet = StartWithSilentStdin("-e", "-");
        WaitUntilBlockedOnPipe(falconet);
        Signal(falconet, signal);
        ProcessResult run = WaitForEnd(falconet);

        Assert.True(run.ExitCode == exitCode, run.ToString());
        string line = Assert.Single(run.ErrorLines);
        Assert.Equal($"falconet: SIG{signal}: the run did not stop within 5 s (blocked on input?), exiting", line);
        Assert.Equal("", run.StandardOutput);
    }

    [Fact]
    public void A_second_SIGTERM_ends_the_run_at_once()
    {
        using Process falconet = StartWithSilentStdin("-e", "-");
        WaitUntilBlockedOnPipe(falconet);
        Signal(falconet, "TERM");
        Signal(falconet, "TERM");
        ProcessResult run = WaitForEnd(falconet);

        Assert.True(run.ExitCode == 143, run.ToString());
        Assert.Equal("falconet: second SIGTERM, exiting now", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void SIGTERM_to_a_run_given_a_FIFO_rules_file_and_a_FIFO_capture_ends_it_with_one_line()
    {
        using var dir = new TempDirectory();
        string rules = dir.File("rules.yaml");
        string capture = dir.File("capture.scap");
        MakeFifo(rules);
        MakeFifo(capture);
        foreach ((string flag, string path, string what) in new[] { ("-r", rules, "rules file"), ("-e", capture, "capture") })
        {
            // Nobody writes to the FIFO. Falconet checks the type before opening, so it is never blocked in open;
            // a SIGTERM (in case it is still running) must end it all the same.
            using Process falconet = StartWithSilentStdin(flag, path);
            if (!falconet.WaitForExit(s_bound))
            {
                Signal(falconet, "TERM");
            }
            ProcessResult run = WaitForEnd(falconet);
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Equal($"falconet: {what} {path} is a FIFO (named pipe), not a regular file", Assert.Single(run.ErrorLines));
        }
    }

    public static TheoryData<string, string, string> NonRegularInputs() => new()
    {
        { "-r", "fifo", "rules file {0} is a FIFO (named pipe), not a regular file" },
        { "-r", "socket", "rules file {0} is a socket, not a regular file" },
        { "-r", "/dev/null", "rules file {0} is a character device, not a regular file" },
        { "-r", "dir-with-fifo", "rules file {0}/a.yaml is a FIFO (named pipe), not a regular file" },
        { "-c", "fifo", "configuration file {0} is a FIFO (named pipe), not a regular file" },
        { "-c", "dir", "configuration file {0} is a directory, not a file" },
        { "-c", "/dev/zero", "configuration file {0} is a character device, not a regular file" },
        { "-e", "fifo", "capture {0} is a FIFO (named pipe), not a regular file" },
        { "-e", "socket", "capture {0} is a socket, not a regular file" },
        { "-e", "dir", "capture {0} is a directory, not a file" },
        { "-e", "/dev/zero", "capture {0} is a character device, not a regular file" },
    };

    [Theory]
    [MemberData(nameof(NonRegularInputs))]
    public void A_non_regular_input_is_one_line_and_exit_1(string flag, string kind, string message)
    {
        using var dir = new TempDirectory();
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        string path = kind switch
        {
            "fifo" => dir.File("input"),
            "socket" => dir.File("input.sock"),
            "dir" or "dir-with-fifo" => dir.File("input.d"),
            _ => kind,
        };
        switch (kind)
        {
            case "fifo":
                MakeFifo(path);
                break;
            case "socket":
                socket.Bind(new UnixDomainSocketEndPoint(path));
                break;
            case "dir":
                Directory.CreateDirectory(path);
                break;
            case "dir-with-fifo":
                Directory.CreateDirectory(path);
                MakeFifo(Path.Combine(path, "a.yaml"));
                break;
        }

        using Process falconet = StartWithSilentStdin(flag, path);
        ProcessResult run = WaitForEnd(falconet);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("falconet: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, message, path), Assert.Single(run.ErrorLines));
        Assert.Equal("", run.StandardOutput);
    }
}
