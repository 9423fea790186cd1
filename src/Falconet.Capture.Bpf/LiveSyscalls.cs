using Falconet.Capture.Bpf.Native;

namespace Falconet.Capture.Bpf;

/// <summary>
/// The syscalls (and the procexit tracepoint) the BPF program can emit, by name. The x86-64 numbers
/// that select them in the kernel-side enable map are generated with the probe's header.
/// </summary>
public static class LiveSyscalls
{
    /// <summary>Name of the pseudo-syscall for process/thread exit (sched_process_exit).</summary>
    public const string ProcessExit = ProbeSyscalls.ProcessExitName;

    /// <summary>Every name <see cref="LiveCaptureOptions.Syscalls"/> accepts.</summary>
    public static IReadOnlyCollection<string> All => ProbeSyscalls.Names;

    /// <summary>True when live capture can emit <paramref name="name"/>.</summary>
    public static bool IsSupported(string name) => ProbeSyscalls.TryGet(name, out _, out _);
}
