namespace Falconet.Capture.Bpf.ProcSnapshot;

/// <summary>Counts of one /proc scan.</summary>
/// <param name="Threads">Threads delivered.</param>
/// <param name="Fds">File descriptors delivered.</param>
/// <param name="Users">Users read from passwd.</param>
/// <param name="Groups">Groups read from group.</param>
/// <param name="Interfaces">Network interfaces delivered.</param>
/// <param name="VanishedProcesses">Processes that exited while they were being read (skipped).</param>
public readonly record struct ProcScanStats(int Threads, int Fds, int Users, int Groups, int Interfaces, int VanishedProcesses);
