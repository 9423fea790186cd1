namespace Falconet.Enforcement;

/// <summary>
/// The kernel's run statistics of one attached program (bpf_prog_info run_cnt and run_time_ns); both stay 0 unless
/// <c>kernel.bpf_stats_enabled</c> is 1.
/// </summary>
/// <param name="Name">The program name (fnet_connect4 …).</param>
/// <param name="RunCount">Runs since statistics were enabled.</param>
/// <param name="RunTimeNs">Total time in the program, ns.</param>
public readonly record struct ProgramRunStats(string Name, ulong RunCount, ulong RunTimeNs);
