using System.Runtime.InteropServices;
using Falconet.Host;

namespace Falconet.Cli;

/// <summary>
/// SIGINT and SIGTERM end the process within <see cref="Deadline"/> whatever it is blocked in. The first signal
/// cancels the run, which stops reading, flushes the outputs, prints the summary and exits with its own code; a
/// watchdog ends the process with <see cref="ExitCodes.Signalled"/> if the run has not returned by the deadline
/// (a thread blocked in open or read never sees the cancellation). A second signal ends the process at once.
/// </summary>
internal sealed class StopSignals(CancellationTokenSource cancel, TextWriter error)
{
    /// <summary>How long a stopping run may take to flush and print its summary.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private int _signals;

    public void OnSignal(PosixSignalContext context)
    {
        // Keep the runtime from terminating the process itself: the run decides, or the watchdog does.
        context.Cancel = true;
        string name = context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM";
        int code = ExitCodes.Signalled(context.Signal == PosixSignal.SIGINT ? 2 : 15);
        if (Interlocked.Increment(ref _signals) > 1)
        {
            error.WriteLine($"falconet: second {name}, exiting now");
            error.Flush();
            Environment.Exit(code);
        }
        cancel.Cancel();
        var watchdog = new Thread(() =>
        {
            Thread.Sleep(Deadline);
            error.WriteLine($"falconet: {name}: the run did not stop within {Deadline.TotalSeconds:0} s (blocked on input?), exiting");
            error.Flush();
            Environment.Exit(code);
        })
        { IsBackground = true, Name = "stop watchdog" };
        watchdog.Start();
    }
}
