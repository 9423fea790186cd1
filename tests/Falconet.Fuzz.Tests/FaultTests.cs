using System.Diagnostics;
using System.Globalization;
using Falconet.Cli.Tests;
using Falconet.Core.Events;
using Falconet.Scap.Tests;
using Falconet.State;
using Falconet.TestKit;
using static Falconet.Scap.Tests.RawCaptureBuilder;

namespace Falconet.Fuzz.Tests;

/// <summary>
/// Faults around a running detection: outputs that fail or hang, a full disk under file output, SIGTERM in the
/// middle of a replay, and the thread table at its bound. Waits only bound how long a test may hang.
/// </summary>
public sealed class FaultTests
{
    private const ulong Ts = 1_700_000_000_000_000_000;
    private const ushort OpenatExit = 307;

    private static byte[] OpenEvent(int i) =>
        new RawCaptureBuilder().Event(OpenatExit, Ts + (ulong)i, 100 + (i % 50), [I64(3 + (i % 1000)), I64(-100), Str("/etc/f" + i), U32(1), U32(0), U32(0)]).ToArray();

    /// <summary>A capture of <paramref name="count"/> openat exits from 50 threads.</summary>
    private static string WriteCapture(TempDirectory dir, int count)
    {
        var bytes = new MemoryStream();
        bytes.Write(new RawCaptureBuilder().SectionHeader().MachineInfo().ToArray());
        for (int i = 0; i < count; i++)
        {
            bytes.Write(OpenEvent(i));
        }
        string path = dir.File("opens.scap");
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    private static string WriteRules(TempDirectory dir)
    {
        string rules = dir.File("rules.yaml");
        File.WriteAllText(rules, "- rule: opened\n  desc: d\n  condition: evt.type = openat\n  output: opened %fd.name\n  priority: WARNING\n");
        return rules;
    }

    private static int AlertLines(ProcessResult run) => run.StandardOutput.Split('\n').Count(l => l.Contains("opened /etc/f", StringComparison.Ordinal));

    [Fact]
    public void The_thread_table_stops_at_its_bound_and_counts_evictions()
    {
        var state = new SystemState();
        state.ThreadTable.Capacity = 1000;
        var evt = new ScapEvent();
        for (int i = 0; i < 50_000; i++)
        {
            byte[] record = EncodeEvent(OpenatExit, Ts + (ulong)i, 10_000 + i, [I64(3), I64(-100), Str("/etc/x"), U32(1), U32(0), U32(0)], v1Header: false);
            Assert.Null(evt.Decode(record, v1Header: false));
            evt.Number = (ulong)i + 1;
            state.Process(evt);
            Assert.True(state.ThreadTable.Count <= 1000, $"{state.ThreadTable.Count} threads after event {i}");
        }
        Assert.Equal(1000, state.ThreadTable.Count);
        Assert.Equal(49_000, state.ThreadTable.Evictions);
        // The newest threads are the ones kept.
        Assert.NotNull(state.FindThread(10_000 + 49_999));
        Assert.Null(state.FindThread(10_000));
    }

    [Fact]
    public void The_command_reports_thread_evictions_and_keeps_detecting()
    {
        using var dir = new TempDirectory();
        string capture = WriteCapture(dir, 500);
        ProcessResult run = FalconetProcess.Run("-r", WriteRules(dir), "-e", capture, "-o", "dns.mode=observed", "-o", "falco_libs.thread_table_size=10");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(500, AlertLines(run));
        Assert.Contains("falconet: the thread table was full (10 threads, falco_libs.thread_table_size): ", run.StandardError, StringComparison.Ordinal);

        ProcessResult bad = FalconetProcess.Run("-r", WriteRules(dir), "-e", capture, "-o", "falco_libs.thread_table_size=0");
        Assert.True(bad.ExitCode == 1, bad.ToString());
        Assert.Contains("falco_libs.thread_table_size", Assert.Single(bad.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public void A_hanging_program_output_and_a_failing_HTTP_output_do_not_stop_detection()
    {
        using var dir = new TempDirectory();
        string capture = WriteCapture(dir, 3000);
        // The program never reads its stdin, so its pipe fills and writes to it block; nothing listens on the port.
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        int port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var clock = Stopwatch.StartNew();
        ProcessResult run = FalconetProcess.Run("-r", WriteRules(dir), "-e", capture, "-o", "dns.mode=observed",
            "-o", "program_output.enabled=true", "-o", "program_output.keep_alive=true", "-o", "program_output.program=sleep 600",
            "-o", "http_output.enabled=true", "-o", $"http_output.url=http://127.0.0.1:{port}/", "-o", "output_timeout=500");
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), "the run did not end");

        // Detection went on over every event (outputs share one worker, as Falco's do, so the blocked program stalls
        // delivery: alerts past the queue are dropped and counted, never waited for), and the run ended by itself: the
        // stuck program was killed at shutdown instead of being waited for (it was, for ever, before).
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Events detected: 3000", run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("program_output: 'sleep 600' did not end within 2 s of its input closing; killed", run.StandardError, StringComparison.Ordinal);
        Assert.Matches("http: 0 delivered, [0-9]+ failed", run.StandardError);
    }

    [Fact]
    public void A_full_disk_under_file_output_is_counted_and_detection_goes_on()
    {
        Oracle.Require(Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root", "mounting a tmpfs needs root");
        using var dir = new TempDirectory();
        string mount = dir.File("small");
        Directory.CreateDirectory(mount);
        Run("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", mount);
        try
        {
            string capture = WriteCapture(dir, 3000);
            string events = Path.Combine(mount, "events.txt");
            // output_timeout raised: on a loaded machine the failing file sink and stdout may need more than the
            // default 2 s to drain at the end, and what is left then is discarded (counted), not printed.
            ProcessResult run = FalconetProcess.Run("-v", "-r", WriteRules(dir), "-e", capture, "-o", "dns.mode=observed",
                "-o", "file_output.enabled=true", "-o", "file_output.keep_alive=true", "-o", $"file_output.filename={events}",
                "-o", "output_timeout=60000");

            Assert.Equal(3000, AlertLines(run));
            Assert.Contains("Events detected: 3000", run.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.StandardError, StringComparison.Ordinal);
            Assert.True(new FileInfo(events).Length <= 16 * 1024);
            Assert.Contains(run.ErrorLines, l => l.StartsWith("falconet: file: No space left on device", StringComparison.Ordinal));
            string fileLine = Assert.Single(run.ErrorLines, l => l.TrimStart().StartsWith("file:", StringComparison.Ordinal) && l.Contains("delivered", StringComparison.Ordinal));
            Assert.Matches("file: [0-9]+ delivered, [1-9][0-9]* failed", fileLine);
        }
        finally
        {
            Run("umount", mount);
        }
    }

    [Fact]
    public async Task SIGTERM_in_the_middle_of_a_replay_flushes_the_alerts_and_prints_the_summary()
    {
        using var dir = new TempDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "falconet.dll"), "-r", WriteRules(dir), "-e", "-", "-o", "dns.mode=observed" })
        {
            start.ArgumentList.Add(argument);
        }
        using Process falconet = Process.Start(start)!;
        Task<string> stderr = falconet.StandardError.ReadToEndAsync();
        var alerts = 0;
        using var firstAlert = new ManualResetEventSlim();
        Task stdout = Task.Run(() =>
        {
            while (falconet.StandardOutput.ReadLine() is { } line)
            {
                if (line.Contains("opened /etc/f", StringComparison.Ordinal) && Interlocked.Increment(ref alerts) == 1)
                {
                    firstAlert.Set();
                }
            }
        });
        // A capture that never ends: events keep coming until the pipe closes.
        Task feeder = Task.Run(() =>
        {
            Stream input = falconet.StandardInput.BaseStream;
            try
            {
                input.Write(new RawCaptureBuilder().SectionHeader().MachineInfo().ToArray());
                for (int i = 0; i < 50_000_000; i++)
                {
                    input.Write(OpenEvent(i));
                    if (i % 200 == 0)
                    {
                        input.Flush();
                    }
                }
            }
            catch (IOException)
            {
                // falconet ended and closed the pipe.
            }
        });
        Assert.True(firstAlert.Wait(TimeSpan.FromMinutes(1)), "no alert within a minute");
        Run("kill", "-TERM", falconet.Id.ToString(CultureInfo.InvariantCulture));
        bool ended = falconet.WaitForExit(TimeSpan.FromSeconds(15));
        if (!ended)
        {
            falconet.Kill(entireProcessTree: true);
        }
        Assert.True(ended, "falconet did not end within 15 s of SIGTERM");
        await stdout.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        string errors = await stderr.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);

        // It stopped reading in time (its own exit code, not the watchdog's 143) and flushed every alert it counted.
        Assert.True(falconet.ExitCode == 0, $"exit {falconet.ExitCode}: {errors}");
        Assert.Contains("Events detected: ", errors, StringComparison.Ordinal);
        int detected = int.Parse(errors.Split('\n').First(l => l.StartsWith("Events detected: ", StringComparison.Ordinal))["Events detected: ".Length..], CultureInfo.InvariantCulture);
        Assert.Equal(detected, Volatile.Read(ref alerts));
        await feeder.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
    }

    private static void Run(string file, params string[] arguments)
    {
        using Process process = Process.Start(file, arguments);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), $"{file} did not finish");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} exited {process.ExitCode}");
    }
}
