namespace Falconet.Capture.Bpf;

/// <summary>
/// The syscalls (and the procexit tracepoint) the BPF program can emit, by name, with the
/// x86-64 syscall number that selects them in the kernel-side enable map.
/// </summary>
public static class LiveSyscalls
{
    /// <summary>Name of the pseudo-syscall for process/thread exit (sched_process_exit).</summary>
    public const string ProcessExit = "procexit";

    internal const int EnableSlots = 512;
    internal const int ProcessExitSlot = 511;

    private static readonly Dictionary<string, int> s_numbers = new(StringComparer.Ordinal)
    {
        ["open"] = 2, ["close"] = 3, ["pipe"] = 22, ["dup"] = 32, ["dup2"] = 33, ["socket"] = 41,
        ["connect"] = 42, ["accept"] = 43, ["sendto"] = 44, ["recvfrom"] = 45, ["sendmsg"] = 46,
        ["recvmsg"] = 47, ["shutdown"] = 48, ["bind"] = 49, ["listen"] = 50, ["socketpair"] = 53,
        ["clone"] = 56, ["fork"] = 57, ["vfork"] = 58, ["execve"] = 59, ["rename"] = 82, ["mkdir"] = 83,
        ["rmdir"] = 84, ["creat"] = 85, ["link"] = 86, ["unlink"] = 87, ["symlink"] = 88, ["chmod"] = 90,
        ["fchmod"] = 91, ["ptrace"] = 101, ["setuid"] = 105, ["setgid"] = 106, ["setreuid"] = 113,
        ["setregid"] = 114, ["setresuid"] = 117, ["setresgid"] = 119, ["mount"] = 165, ["umount2"] = 166,
        ["openat"] = 257, ["mkdirat"] = 258, ["unlinkat"] = 263, ["renameat"] = 264, ["linkat"] = 265,
        ["symlinkat"] = 266, ["fchmodat"] = 268, ["unshare"] = 272, ["accept4"] = 288, ["dup3"] = 292,
        ["pipe2"] = 293, ["setns"] = 308, ["renameat2"] = 316, ["memfd_create"] = 319, ["execveat"] = 322,
        ["clone3"] = 435, ["openat2"] = 437, [ProcessExit] = ProcessExitSlot,
    };

    /// <summary>Every name <see cref="LiveCaptureOptions.Syscalls"/> accepts.</summary>
    public static IReadOnlyCollection<string> All => s_numbers.Keys;

    public static bool IsSupported(string name) => s_numbers.ContainsKey(name);

    /// <summary>The enable-map slot of a syscall name (x86-64 number; procexit has its own slot).</summary>
    internal static bool TryGetSlot(string name, out int slot) => s_numbers.TryGetValue(name, out slot);
}
